"""Users, API keys and privileges (contract §3.5, §3.6, §4).

Users file (mode 0600, one per line): ``user:password:role``.
API keys file (mode 0600): ``id:api_key:user`` -- the key authenticates as
that user's role; clients send ``Authorization: ApiKey base64(id:api_key)``.

Roles:
  superuser     everything (the lab's ``elastic`` user; /_lab needs it)
  lab_reader    read logstash-* (search, get, mapping, point in time)
  lab_writer    lab_reader plus indexing into logstash-*
  lab_nothing   authenticated, no index privileges (403 on any search)
"""

import base64
import binascii
import fnmatch
import hmac

import errors

ROLES = {
    "superuser": {"read": ["*"], "write": ["*"]},
    "lab_reader": {"read": ["logstash-*"], "write": []},
    "lab_writer": {"read": ["logstash-*"], "write": ["logstash-*"]},
    "lab_nothing": {"read": [], "write": []},
}

# Index privileges that grant an action, as ES names them in 403s.
GRANTING = {
    "indices:data/read/search": "read,all",
    "indices:data/read/get": "read,all",
    "indices:admin/mappings/get": "view_index_metadata,manage,read,all",
    "indices:data/read/open_point_in_time": "read,all",
    "indices:data/write/index": "create_doc,create,index,write,all",
    "indices:data/write/delete": "delete,write,all",
    "indices:data/write/bulk[s]": "create_doc,create,index,delete,write,all",
    "indices:admin/refresh": "maintenance,manage,all",
    "indices:monitor/stats": "monitor,manage,all",
}


class User:
    def __init__(self, name, role, via_api_key=None):
        self.name = name
        self.role = role
        self.api_key = via_api_key

    def can(self, kind, index):
        pats = ROLES.get(self.role, {}).get(kind, [])
        return any(fnmatch.fnmatchcase(index, p) for p in pats)

    def has_any(self, kind):
        return bool(ROLES.get(self.role, {}).get(kind))

    @property
    def superuser(self):
        return self.role == "superuser"


class Auth:
    def __init__(self, users_file=None, keys_file=None, enabled=True, es_major=8):
        self.enabled = enabled
        self.es_major = es_major
        self.users = {}         # name → (password, role)
        self.keys = {}          # id → (secret, user)
        if users_file:
            with open(users_file, encoding="utf-8") as f:
                lines = f.read().splitlines()
            for line in lines:
                line = line.strip()
                if line and not line.startswith("#"):
                    name, pw, role = line.split(":", 2)
                    if role not in ROLES:
                        raise SystemExit("unknown role %r in %s" % (role, users_file))
                    self.users[name] = (pw, role)
        if keys_file:
            with open(keys_file, encoding="utf-8") as f:
                lines = f.read().splitlines()
            for line in lines:
                line = line.strip()
                if line and not line.startswith("#"):
                    kid, secret, user = line.split(":", 2)
                    self.keys[kid] = (secret, user)

    def authenticate(self, header, uri):
        """The user for an Authorization header, or raise the ES 401."""
        if not self.enabled:
            return User("_anonymous", "superuser")
        maj = self.es_major
        if not header:
            raise errors.unauthenticated(
                "missing authentication credentials for REST request [%s]" % uri, maj)
        scheme, _, cred = header.strip().partition(" ")
        scheme = scheme.lower()
        cred = cred.strip()
        if scheme == "basic":
            try:
                name, _, pw = base64.b64decode(cred, validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                raise errors.unauthenticated(
                    "missing authentication credentials for REST request [%s]" % uri, maj)
            entry = self.users.get(name)
            if entry is None or not hmac.compare_digest(entry[0], pw):
                raise errors.unauthenticated(
                    "unable to authenticate user [%s] for REST request [%s]" % (name, uri), maj)
            return User(name, entry[1])
        if scheme == "apikey":
            try:
                kid, _, secret = base64.b64decode(cred, validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                kid, secret = None, None
            entry = self.keys.get(kid) if kid else None
            extra = {}
            if entry is None:
                extra = {"additional_unsuccessful_credentials":
                         "API key: unable to find apikey with id %s" % (kid or cred)}
            elif not hmac.compare_digest(entry[0], secret):
                extra = {"additional_unsuccessful_credentials":
                         "API key: invalid credentials for API key [%s]" % kid}
            if extra:
                if maj < 8:
                    raise errors.unauthenticated(
                        "unable to authenticate with provided credentials and anonymous "
                        "access is not allowed for this request", maj)
                raise errors.unauthenticated(
                    "unable to authenticate with provided credentials and anonymous access "
                    "is not allowed for this request", maj, **extra)
            owner = self.users.get(entry[1])
            return User(entry[1], owner[1] if owner else "lab_reader", via_api_key=kid)
        if scheme == "bearer":
            raise errors.unauthenticated(
                "unable to authenticate with provided credentials and anonymous access is "
                "not allowed for this request", maj)
        raise errors.unauthenticated(
            "missing authentication credentials for REST request [%s]" % uri, maj)

    def denied(self, user, action, indices):
        """The ES 403 for an index action (7.12+/8.x wording)."""
        roles = "with effective roles" if self.es_major >= 8 else "with roles"
        who = "user [%s]" % user.name
        if user.api_key:
            who = "API key id [%s] of user [%s]" % (user.api_key, user.name)
        msg = "action [%s] is unauthorized for %s %s [%s]" % (action, who, roles, user.role)
        if indices:
            msg += " on indices [%s]" % ",".join(indices)
        g = GRANTING.get(action)
        if g:
            msg += ", this action is granted by the index privileges [%s]" % g
        return errors.forbidden(msg)

    def denied_cluster(self, user, action, privileges):
        roles = "with effective roles" if self.es_major >= 8 else "with roles"
        return errors.forbidden("action [%s] is unauthorized for user [%s] %s [%s], this "
                                "action is granted by the cluster privileges [%s]"
                                % (action, user.name, roles, user.role, privileges))
