from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.registry_module"]  # noqa: F405 - the one line
