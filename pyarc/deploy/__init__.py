"""Deploy an Inventory to AWS: package functions, publish a CloudFormation stack, upload static
assets; plus `destroy` and `env`. Everything here talks to AWS through boto3 at the edges."""
