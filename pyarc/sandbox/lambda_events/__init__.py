"""Every event payload a function receives, shaped as Lambda delivers it on AWS: one
module per source (`sns`, `sqs`, `scheduler`, `streams`, and the gateways' `http`, `ws`).
"""
