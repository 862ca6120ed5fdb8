"""Packaging for pyrax_image."""

import os

from setuptools import find_packages, setup

HERE = os.path.abspath(os.path.dirname(__file__))
about = {}
with open(os.path.join(HERE, "pyrax_image", "version.py")) as handle:
    exec(handle.read(), about)
with open(os.path.join(HERE, "README.md"), encoding="utf-8") as handle:
    long_description = handle.read()

# Glance 33's format inspector (localcloud/pins/glance.txt); it needs Python 3.11+
# and imports cryptography (LUKS) without declaring it.
INSPECT = [
    'oslo.utils>=10.2.0,<11; python_version >= "3.11"',
    'cryptography; python_version >= "3.11"',
]

setup(
    name="pyrax_image",
    version=about["__version__"],
    description="A Python SDK for OpenStack / Rackspace Cloud Images (Glance v2), "
    "re-creating pyrax's image module",
    long_description=long_description,
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    license_files=["LICENSE"],
    packages=find_packages(include=["pyrax_image", "pyrax_image.*"]),
    package_data={"pyrax_image": ["py.typed"]},
    include_package_data=True,
    python_requires=">=3.9",
    install_requires=["requests", "python-dateutil", "six"],
    extras_require={
        "yaml": ["PyYAML"],
        "cli": ["tqdm"],
        "inspect": INSPECT,
        "test": ["pytest", "pytest-timeout", "responses", "PyYAML", "tqdm", "mypy", "jedi", *INSPECT],
    },
    entry_points={"console_scripts": ["pyrax-image = pyrax_image.cli:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.9",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Typing :: Typed",
    ],
)
