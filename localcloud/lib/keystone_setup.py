"""Run keystone-manage db_sync, fernet_setup, credential_setup and bootstrap
in ONE interpreter (each keystone-manage start costs ~2.5 s of imports).

Usage: keystone_setup.py CONFIG_FILE USER GROUP -- BOOTSTRAP_ARGS...
"""
import sys

from keystone.cmd import cli
from keystone import conf

CONF = conf.CONF


def run(argv):
    CONF.clear()  # forget the previous command line so main() can re-parse
    cli.main(argv=["keystone-manage"] + argv)


def main():
    sep = sys.argv.index("--")
    config, user, group = sys.argv[1:sep]
    bootstrap = sys.argv[sep + 1:]
    base = ["--config-file", config]
    run(base + ["db_sync"])
    run(base + ["fernet_setup", "--keystone-user", user,
                "--keystone-group", group])
    run(base + ["credential_setup", "--keystone-user", user,
                "--keystone-group", group])
    run(base + ["bootstrap"] + bootstrap)


if __name__ == "__main__":
    main()
