pytest_plugins = ["sockspec.plugin"]
