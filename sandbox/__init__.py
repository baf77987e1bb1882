"""Local, faithful simulators of the APIs the product talks to.

Nothing here imports the product: each sandbox is a stand-in for someone
else's server and must behave like it (see ../shared/reference/).
"""
