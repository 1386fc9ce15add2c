"""The browser helpers live in the package (plansite/browsercheck.py) so that
`python build.py check --a11y` runs the very checks the tests run."""
from plansite.browsercheck import *  # noqa: F401,F403
from plansite.browsercheck import REPO_ROOT, _SETUP_HINT  # noqa: F401
