"""Program-surface specs: the recipe programs run as commands, judged by output, exit status and wire."""
