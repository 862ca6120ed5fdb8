# ruff: noqa
# Copied from pycontribs/pyrax 1.10.0 (https://github.com/pycontribs/pyrax),
# samples/auth_creds_file.py, under the Apache License 2.0 (the original notice follows).
# Changed for pyrax_image and the local cloud, and nothing else:
#   - the import line: `import pyrax` -> `import pyrax_image as pyrax`
#     and `import pyrax.exceptions as exc` -> `import pyrax_image.exceptions as exc`
#   - the credential lines: identity_type "rackspace" -> "keystone"; the
#     credential file (~/.rackspace_cloud_credentials) and ~/.pyrax.cfg are
#     written by tests/integration/test_pyrax_samples.py in a temporary $HOME
#     and point at the local Keystone.
#   - Python 2 print statements -> print() calls (print "a", -> print("a", end=" ")),
#     so that the file runs on Python 3.
# Python 2's raw_input is given by the test's runner (_run.py), which answers
# the prompts.
#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright 2012 Rackspace

# All Rights Reserved.
#
#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

import os

import pyrax_image as pyrax
import pyrax_image.exceptions as exc

pyrax.set_setting("identity_type", "keystone")

# Use a credential file in the format:
#     [rackspace_cloud]
#     username = myusername
#     api_key = 01234567890abcdef
print()
print("Using credentials file")
# Note: you can name this file whatever you like.
creds_file = os.path.expanduser("~/.rackspace_cloud_credentials")
try:
    pyrax.set_credential_file(creds_file)
except exc.AuthenticationFailed:
    print("Did you remember to replace the credential file with your actual", end=" ")
    print("username and api_key?")
print("authenticated =", pyrax.identity.authenticated)
print()
