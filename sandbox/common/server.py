"""Run a WSGI sandbox on a local port in a background thread (tests, runsandbox)."""

from __future__ import annotations

import socket
import socketserver
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr (the sandbox keeps its own request log), and a
    ``sandbox.drop`` hook in the environ to close the connection unanswered."""

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass

    def get_environ(self):
        environ = super().get_environ()
        connection = self.connection

        def drop():
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        environ["sandbox.drop"] = drop
        # The request target exactly as the client sent it (still percent-encoded):
        # OAuth 1.0a signatures cover the path in that form (waitress sets the same key).
        environ.setdefault("REQUEST_URI", self.path)
        return environ

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError, OSError):
            # A dropped connection (fault injection) or a client that gave up.
            pass


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # Many clients (a provider writing at its concurrency limit plus the
    # extra requests that must be refused with 429) connect at once.
    request_queue_size = 128
    allow_reuse_address = True


class SandboxServer:
    """Serve ``app`` on ``host:port`` (port 0 picks a free one) until :meth:`stop`.

    Usable as a context manager; ``base_url`` is ``http://host:port``.
    """

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0):
        self.app = app
        self._httpd = make_server(host, port, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
        self.host = host
        self.port = self._httpd.server_port
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        if self._thread is not None:  # already serving (e.g. `with SandboxServer(app).start():`)
            return self
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=f"sandbox:{self.port}", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (used by ``manage.py runsandbox``)."""
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
