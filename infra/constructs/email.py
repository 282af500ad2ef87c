"""SES v2: the sending identity and the configuration set every message goes through."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ses as ses
from constructs import Construct


class Email(Construct):
    """A verified identity (a domain, or one address when `identity` contains "@")."""

    def __init__(self, scope: Construct, construct_id: str, *, identity: str) -> None:
        super().__init__(scope, construct_id)
        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            reputation_metrics=True,
            tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        )
        self.identity = ses.EmailIdentity(
            self,
            "Identity",
            identity=(
                ses.Identity.email(identity) if "@" in identity else ses.Identity.domain(identity)
            ),
            configuration_set=self.configuration_set,
        )

    @property
    def configuration_set_name(self) -> str:
        return self.configuration_set.configuration_set_name

    def grant_send(self, grantee: iam.IGrantable) -> None:
        """ses:SendEmail from this identity through this configuration set, and the quota."""
        configuration_set_arn = Stack.of(self).format_arn(
            service="ses",
            resource="configuration-set",
            resource_name=self.configuration_set_name,
        )
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["ses:SendEmail"],
            resource_arns=[self.identity.email_identity_arn, configuration_set_arn],
        )
        # The account's send quota, read once per container to pace sends (notify.email);
        # GetAccount is account-wide and has no resource-level permission.
        iam.Grant.add_to_principal(grantee=grantee, actions=["ses:GetAccount"], resource_arns=["*"])
