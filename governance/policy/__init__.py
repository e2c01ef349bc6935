"""Policy format v1: what a data engineer declares about a resource, its columns, its products."""

from governance.policy.load import LoadedPolicy, load_policies, load_policy
from governance.policy.models import Policy
from governance.policy.resource import Column, Resource

__all__ = ["Column", "LoadedPolicy", "Policy", "Resource", "load_policies", "load_policy"]
