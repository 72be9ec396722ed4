"""DynamoDB expressions: lexer, parser (AWS error wording), syntax tree and evaluation."""
