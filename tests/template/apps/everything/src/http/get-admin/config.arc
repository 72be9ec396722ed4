@aws
memory 256
architecture x86_64
concurrency 2
policies architect-default-policies AmazonDynamoDBReadOnlyAccess
