"""Expand the SAM transform locally, so CloudFormation receives plain resources.

Why here and not in CloudFormation: (1) one code path everywhere — moto's CloudFormation (the
stand-in AWS in tests) does not implement `AWS::Serverless-2016-10-31`, so a server-side
transform would leave the real deploy path untested; (2) the change set, the progress display
and failure reasons then name the resources that actually exist (`GetIndexRole`,
`HTTPApiStage`), not SAM's macros; (3) it is the same translator CloudFormation runs
(aws-sam-translator, published by AWS), so the result is what the service would produce.
"""

from __future__ import annotations

import copy
from typing import Any

import boto3

from pyarc.errors import PyarcError

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


def uses_sam(template: dict[str, Any]) -> bool:
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in names


def expand_sam(template: dict[str, Any], session: boto3.Session) -> dict[str, Any]:
    """The plain CloudFormation for a SAM template (returned unchanged when it is not SAM)."""
    if not uses_sam(template):
        return template
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.public.translator import ManagedPolicyLoader
    from samtranslator.sdk.parameter import SamParameterValues
    from samtranslator.translator.arn_generator import ArnGenerator
    from samtranslator.translator.translator import Translator

    region = session.region_name or "us-east-1"
    loader = ManagedPolicyLoader(session.client("iam"))
    previous_region = ArnGenerator.BOTO_SESSION_REGION_NAME
    ArnGenerator.BOTO_SESSION_REGION_NAME = region
    try:
        parameters = SamParameterValues({})
        parameters.add_default_parameter_values(template)
        parameters.add_pseudo_parameter_values(session)
        translator = Translator(None, Parser(), boto_session=session)
        return translator.translate(
            copy.deepcopy(template),
            parameter_values=parameters.parameter_values,
            get_managed_policy_map=loader.load,
        )
    except InvalidDocumentException as exc:
        reasons = "; ".join(str(cause) for cause in exc.causes)
        raise PyarcError(
            f"The generated template is not valid SAM ({reasons}); this is a pyarc bug, please "
            "report it with your manifest."
        ) from exc
    finally:
        ArnGenerator.BOTO_SESSION_REGION_NAME = previous_region
