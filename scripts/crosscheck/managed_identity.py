#!/usr/bin/env python3
"""Cross-check: the official azure-identity ManagedIdentityCredential gets a token from the dev
tenant's managed-identity endpoint, found through IDENTITY_ENDPOINT / IDENTITY_HEADER exactly as on
App Service. Prints one JSON line: {"token": ..., "expires_on": ...}; exits non-zero on failure.
"""
import json
import os
import sys

from azure.identity import ManagedIdentityCredential


def main():
    if not os.environ.get("IDENTITY_ENDPOINT") or not os.environ.get("IDENTITY_HEADER"):
        print("IDENTITY_ENDPOINT and IDENTITY_HEADER must be set", file=sys.stderr)
        return 2
    scope = sys.argv[1] if len(sys.argv) > 1 else "https://graph.microsoft.com/.default"
    credential = ManagedIdentityCredential()
    token = credential.get_token(scope)
    print(json.dumps({"token": token.token, "expires_on": token.expires_on}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
