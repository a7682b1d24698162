# gevent 26 (profiles/gevent.toml), into the kit's venv, whose interpreter
# imports gevent.socket in process (wheels with greenlet and zope: about 16 MB).
.venv/bin/pip install -q 'gevent>=26,<27'
.venv/bin/python -c 'import gevent.socket'
