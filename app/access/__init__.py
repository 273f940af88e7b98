"""Access control: roles and permissions as data, and deny-by-default enforcement on every route."""

from app.access.permissions import Permission, Role, Scope, ScopeKind

__all__ = ["Permission", "Role", "Scope", "ScopeKind"]
