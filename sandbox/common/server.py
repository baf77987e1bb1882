"""Run a WSGI sandbox on a local port in a background thread (tests, runsandbox)."""

from __future__ import annotations

import io
import socket
import socketserver
import threading
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer, make_server


class _KeepAliveServerHandler(ServerHandler):
    """wsgiref's response writer, speaking HTTP/1.1 (its default status line says 1.0)."""

    http_version = "1.1"

    def cleanup_headers(self):
        super().cleanup_headers()
        if "Content-Length" not in self.headers:
            # Without a length the client can only find the end of the body when the connection closes.
            self.request_handler.close_connection = True
            self.headers["Connection"] = "close"


class _QuietHandler(WSGIRequestHandler):
    """Serves HTTP/1.1 with keep-alive, as NetSuite and Google do (wsgiref's own
    handler answers one request per connection, so every client request would
    pay for a new connection). No access log on stderr (the sandbox keeps its
    own request log), and a ``sandbox.drop`` hook in the environ to close the
    connection unanswered."""

    protocol_version = "HTTP/1.1"
    timeout = 60  # an idle kept-alive connection is closed after this many seconds
    # Buffered, and flushed once per response (wsgiref flushes after the body): the status line,
    # headers and body leave in one segment. Written piecemeal on a kept-alive connection, the
    # body would wait for the client's delayed ACK (Nagle), 40 ms per response.
    wbufsize = -1

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass

    def get_environ(self):
        environ = super().get_environ()
        connection = self.connection

        def drop():
            self.close_connection = True
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
        self.close_connection = True
        try:
            self._handle_one()
            while not self.close_connection:
                self._handle_one()
        except (BrokenPipeError, ConnectionResetError, OSError):
            # A dropped connection (fault injection), a client that gave up, an idle timeout.
            pass

    def _handle_one(self) -> None:
        """One request on the connection (wsgiref's ``handle``, with HTTP/1.1 responses)."""
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            self.close_connection = True
            return
        if not self.parse_request():  # an error was sent; parse_request decided about the connection
            return
        # The body is read here, whole: an app that leaves (part of) it unread would
        # otherwise leave it in the stream, to be taken for the next request's start.
        body = self.rfile
        length = self.headers.get("Content-Length")
        if length is not None and length.strip().isdigit():
            body = io.BytesIO(self.rfile.read(int(length)))
        elif self.headers.get("Transfer-Encoding"):
            self.close_connection = True  # a body we do not delimit: this connection ends with it
        handler = _KeepAliveServerHandler(body, self.wfile, self.get_stderr(), self.get_environ(), multithread=True)
        handler.request_handler = self
        handler.run(self.server.get_app())


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # Many clients (a provider writing at its concurrency limit plus the
    # extra requests that must be refused with 429) connect at once.
    request_queue_size = 128
    allow_reuse_address = True

    def server_bind(self):
        super().server_bind()
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def process_request(self, request, client_address):
        with self.connections_lock:
            self.open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.connections_lock:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        """Close the kept-alive connections too: a stopped sandbox must look unreachable."""
        with self.connections_lock:
            connections = list(self.open_connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


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
        self._httpd.close_open_connections()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
