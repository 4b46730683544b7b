"""Shared code of the adversarial tests: a server process, a raw HTTP/2 client, protobuf, a probe.

Only the standard library plus the Debian packages python3-h2, python3-grpcio and
python3-protobuf; run with /usr/bin/python3.
"""

import base64
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import h2.settings

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SERVER_BIN = REPO_ROOT / "build" / "debug" / "server" / "greeter-server"
MIB = 1024 * 1024

# --- protobuf: greet_pb2 generated from the repository's own proto at import time -------------

_PB_DIR = tempfile.mkdtemp(prefix="greeter-adversarial-pb-")
subprocess.run(
    ["protoc", "-I", str(REPO_ROOT / "proto"), "--python_out=" + _PB_DIR, "greet.proto"],
    check=True, timeout=60)
sys.path.insert(0, _PB_DIR)
import greet_pb2  # noqa: E402  (generated just above)

HelloRequest = greet_pb2.HelloRequest
HelloReply = greet_pb2.HelloReply


def request_bytes(name="A", **fields):
    """A serialized greet.HelloRequest."""
    return HelloRequest(name=name, **fields).SerializeToString()


def grpc_frame(payload):
    """One length-prefixed gRPC message: flag 0 (not compressed), big-endian uint32 length."""
    return b"\x00" + len(payload).to_bytes(4, "big") + payload


def parse_reply(payload):
    return HelloReply.FromString(payload)


def new_flags(*flags):
    """Flags the fixed server has and today's does not: dropped when
    GREETER_ADVERSARIAL_DEFAULT_FLAGS=1, to run the same attack on a server without them."""
    if os.environ.get("GREETER_ADVERSARIAL_DEFAULT_FLAGS") == "1":
        return []
    return [str(f) for f in flags]


# --- the server process -------------------------------------------------------------------------

def server_bin():
    return os.environ.get("GREETER_SERVER_BIN", str(DEFAULT_SERVER_BIN))


def _wait_for_binary(path, within=60.0):
    """The other engineer may be relinking the binary: wait (bounded) until it is there."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return
        time.sleep(0.2)
    raise RuntimeError(f"server binary {path} missing for {within:.0f} s")


class Server:
    """A running greeter-server. Use start_server()."""

    def __init__(self, proc, port, stderr_path, stdout_lines):
        self.proc = proc
        self.pid = proc.pid
        self.port = port
        self.stderr_path = stderr_path
        self._stdout_lines = stdout_lines

    def rss_bytes(self):
        """VmRSS of the server, in bytes (0 if the process is gone)."""
        try:
            with open(f"/proc/{self.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except (FileNotFoundError, ProcessLookupError):
            pass
        return 0

    def cpu_seconds(self):
        """utime + stime of the server from /proc/PID/stat, in seconds."""
        with open(f"/proc/{self.pid}/stat") as stat:
            text = stat.read()
        fields = text[text.rindex(")") + 2:].split()
        # fields[0] is field 3 (state); utime is field 14, stime field 15.
        ticks = int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def alive(self):
        return self.proc.poll() is None

    def exited_within(self, within):
        """True if the process exits within `within` seconds (polls; does not signal it)."""
        try:
            self.proc.wait(timeout=within)
            return True
        except subprocess.TimeoutExpired:
            return False

    def stderr_text(self):
        """What the server wrote on stderr so far (only when stderr went to the default file)."""
        if self.stderr_path is None:
            return ""
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_for_stderr(self, predicate, within=5.0):
        """Poll the stderr file until predicate(text) holds; returns the last text read."""
        deadline = time.monotonic() + within
        text = self.stderr_text()
        while not predicate(text) and time.monotonic() < deadline:
            time.sleep(0.05)
            text = self.stderr_text()
        return text

    def stop(self, timeout=15.0):
        """SIGTERM, wait up to timeout, SIGKILL after; returns how long the exit took (seconds)."""
        start = time.monotonic()
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return time.monotonic() - start

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def cleanup(self):
        self.kill()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        if self.stderr_path is not None:
            try:
                os.unlink(self.stderr_path)
            except OSError:
                pass


def start_server(*flags, stderr=None, preexec_fn=None, startup_timeout=20.0):
    """Start $GREETER_SERVER_BIN --listen 127.0.0.1:0 FLAGS and wait for its listening line.

    stderr: None (default) sends it to a temp file the test can read (Server.stderr_text());
    anything else (subprocess.PIPE, a file) is passed to Popen as it is.
    """
    binary = server_bin()
    stderr_path = None
    stderr_file = None
    if stderr is None:
        fd, stderr_path = tempfile.mkstemp(prefix="greeter-server-stderr-", suffix=".log")
        stderr_file = os.fdopen(fd, "wb")
        stderr = stderr_file
    args = [binary, "--listen", "127.0.0.1:0", *[str(f) for f in flags]]
    proc = None
    for attempt in range(30):  # the binary may be replaced under us: ETXTBSY / ENOENT, bounded
        _wait_for_binary(binary)
        try:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=stderr, preexec_fn=preexec_fn)
            break
        except OSError:
            if attempt == 29:
                raise
            time.sleep(0.5)
    if stderr_file is not None:
        stderr_file.close()

    prefix = b"greeter-server listening on 127.0.0.1:"
    deadline = time.monotonic() + startup_timeout
    buffer = b""
    port = None
    fd = proc.stdout.fileno()
    while port is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            proc.kill()
            proc.wait()
            proc.stdout.close()
            raise RuntimeError(f"server printed no listening line within {startup_timeout} s; "
                               f"stdout so far: {buffer!r}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            proc.wait(timeout=5)
            proc.stdout.close()
            err = ""
            if stderr_path:
                err = Path(stderr_path).read_text(errors="replace")
            raise RuntimeError(f"server exited ({proc.returncode}) before listening: "
                               f"stdout {buffer!r} stderr {err[-2000:]!r}")
        buffer += chunk
        while b"\n" in buffer and port is None:
            line, buffer = buffer.split(b"\n", 1)
            if line.startswith(prefix):
                port = int(line[len(prefix):].strip())

    stdout_lines = []

    def drain_stdout():  # keep the pipe from filling; ends at EOF when the server exits
        try:
            for line in proc.stdout:
                if len(stdout_lines) < 10000:
                    stdout_lines.append(line)
        except (OSError, ValueError):
            pass

    threading.Thread(target=drain_stdout, daemon=True).start()
    return Server(proc, port, stderr_path, stdout_lines)


# --- the probe: a well-behaved client ------------------------------------------------------------

def probe(port, name="probe", timeout=2.0):
    """A SayHello through grpcio on a fresh connection; returns (grpc.StatusCode, text).

    text is the reply's message when OK, else the status details.
    """
    import grpc
    channel = grpc.insecure_channel(f"127.0.0.1:{port}",
                                    options=[("grpc.use_local_subchannel_pool", 1)])
    try:
        call = channel.unary_unary("/greet.Greeter/SayHello",
                                   request_serializer=HelloRequest.SerializeToString,
                                   response_deserializer=HelloReply.FromString)
        try:
            reply = call(HelloRequest(name=name), timeout=timeout)
            return grpc.StatusCode.OK, reply.message
        except grpc.RpcError as error:
            return error.code(), error.details()
    finally:
        channel.close()


def probe_until_ok(port, within=5.0):
    """Probe until one is OK or `within` seconds passed; returns the last (code, text)."""
    import grpc
    deadline = time.monotonic() + within
    result = (None, "no probe made")
    while time.monotonic() < deadline:
        result = probe(port, timeout=max(0.2, min(2.0, deadline - time.monotonic())))
        if result[0] == grpc.StatusCode.OK:
            return result
        time.sleep(0.1)
    return result



def assert_still_serving(test, server, after):
    """What a user checks after an attack: the server process lives, and a SayHello is OK
    within 5 s. `after` names the attack in the failure message."""
    import grpc
    test.assertIsNone(server.proc.poll(), f"server {exit_description(server.proc)} after {after}")
    code, text = probe_until_ok(server.port, within=5.0)
    test.assertEqual(code, grpc.StatusCode.OK, f"probe SayHello after {after}: {text}")


# --- a raw HTTP/2 client -------------------------------------------------------------------------

def decode_grpc_message(value):
    return urllib.parse.unquote_to_bytes(value).decode("utf-8", "replace")


class StreamState:
    def __init__(self, stream_id):
        self.stream_id = stream_id
        self.headers = None          # list of (bytes, bytes): the first HEADERS
        self.trailers = None         # list of (bytes, bytes): the trailing HEADERS
        self.buffer = b""            # DATA not yet forming a whole gRPC message
        self.messages = []           # whole gRPC message payloads, in order
        self.ended = False           # END_STREAM seen, or reset, or connection gone
        self.reset_code = None       # error code of an RST_STREAM from the server
        self.connection_lost = False

    def _status_headers(self):
        if self.trailers is not None:
            return self.trailers
        if self.ended and self.headers is not None:  # a trailers-only response
            return self.headers
        return []

    def header(self, name, where=None):
        for key, value in (where if where is not None else self._status_headers()):
            if key == name:
                return value
        return None

    @property
    def grpc_status(self):
        value = self.header(b"grpc-status")
        return int(value) if value is not None else None

    @property
    def grpc_message(self):
        value = self.header(b"grpc-message")
        return decode_grpc_message(value) if value is not None else ""

    def replies(self):
        return [parse_reply(m) for m in self.messages]

    def describe(self):
        if self.reset_code is not None:
            return f"stream {self.stream_id}: RST_STREAM {self.reset_code!r}"
        if self.connection_lost and self.grpc_status is None:
            return f"stream {self.stream_id}: connection closed before the call ended"
        if not self.ended:
            return f"stream {self.stream_id}: still open"
        return (f"stream {self.stream_id}: grpc-status {self.grpc_status} "
                f"grpc-message {self.grpc_message!r}, {len(self.messages)} messages")


class H2Conn:
    """One raw HTTP/2 connection speaking gRPC, on a blocking socket with select-driven reads.

    initial_window_size: the client's SETTINGS_INITIAL_WINDOW_SIZE (0: the server may send no
    DATA until we grant window). auto_window: acknowledge received DATA so h2 sends
    WINDOW_UPDATEs (turn off to grant nothing).
    """

    def __init__(self, port, host="127.0.0.1", initial_window_size=None, auto_window=True,
                 send_preface=True, connect_timeout=5.0, extra_settings=None):
        self.port = port
        self.authority = f"{host}:{port}".encode()
        self.sock = socket.create_connection((host, port), timeout=connect_timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(10.0)  # bounds a blocked sendall
        config = h2.config.H2Configuration(
            client_side=True, validate_outbound_headers=False,
            normalize_outbound_headers=False, validate_inbound_headers=False)
        self.conn = h2.connection.H2Connection(config=config)
        settings = {}
        if initial_window_size is not None:
            settings[h2.settings.SettingCodes.INITIAL_WINDOW_SIZE] = initial_window_size
        if extra_settings:
            settings.update(extra_settings)
        if settings:
            self.conn.local_settings = h2.settings.Settings(client=True, initial_values=settings)
        self.auto_window = auto_window
        self.streams = {}
        self.goaway = None          # h2.events.ConnectionTerminated
        self.closed = False         # EOF / reset on the socket
        self.events_seen = 0
        self.ping_acks = 0
        if send_preface:
            self.conn.initiate_connection()
            self.flush()

    # sending
    def flush(self):
        data = self.conn.data_to_send()
        if data and not self.closed:
            try:
                self.sock.sendall(data)
            except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
                self._lost()
                raise

    def new_stream_id(self):
        return self.conn.get_next_available_stream_id()

    def start_call(self, method, extra_headers=(), stream_id=None, end_stream=False,
                   flush=True):
        """HEADERS for a gRPC call on a new stream (or stream_id); returns the stream id."""
        if stream_id is None:
            stream_id = self.new_stream_id()
        headers = [
            (b":method", b"POST"),
            (b":scheme", b"http"),
            (b":path", b"/greet.Greeter/" + method.encode() if "/" not in method
             else method.encode()),
            (b":authority", self.authority),
            (b"content-type", b"application/grpc"),
            (b"te", b"trailers"),
        ]
        headers += [(k if isinstance(k, bytes) else k.encode(),
                     v if isinstance(v, bytes) else v.encode()) for k, v in extra_headers]
        self.conn.send_headers(stream_id, headers, end_stream=end_stream)
        self.streams[stream_id] = StreamState(stream_id)
        if flush:
            self.flush()
        return stream_id

    def send_message(self, stream_id, payload, end_stream=False, flush=True):
        """One gRPC message (payload: serialized protobuf bytes) on the stream."""
        self.conn.send_data(stream_id, grpc_frame(payload), end_stream=end_stream)
        if flush:
            self.flush()

    def send_raw_data(self, stream_id, data, end_stream=False, flush=True):
        self.conn.send_data(stream_id, data, end_stream=end_stream)
        if flush:
            self.flush()

    def half_close(self, stream_id, flush=True):
        self.conn.end_stream(stream_id)
        if flush:
            self.flush()

    def reset(self, stream_id, error_code=h2.errors.ErrorCodes.CANCEL, flush=True):
        self.conn.reset_stream(stream_id, error_code=error_code)
        if flush:
            self.flush()

    def call(self, method, messages=(), extra_headers=(), half_close=True):
        """Start a call, send the messages (payload bytes), half-close; returns the stream id."""
        stream_id = self.start_call(method, extra_headers, flush=False)
        for payload in messages:
            self.send_message(stream_id, payload, flush=False)
        if half_close:
            self.half_close(stream_id, flush=False)
        self.flush()
        return stream_id

    def grant_window(self, increment=16 * MIB):
        """Open the connection window and every open stream's window by increment."""
        self.conn.increment_flow_control_window(increment)
        for stream_id in list(self.streams):
            try:
                self.conn.increment_flow_control_window(increment, stream_id=stream_id)
            except (h2.exceptions.StreamClosedError, h2.exceptions.FlowControlError,
                    KeyError, h2.exceptions.ProtocolError):
                pass
        self.flush()

    # receiving
    def _lost(self):
        if not self.closed:
            self.closed = True
            for stream in self.streams.values():
                if not stream.ended:
                    stream.ended = True
                    stream.connection_lost = True

    def pump(self, timeout=0.0):
        """Read what is there (waiting up to timeout for the first byte); False once closed."""
        if self.closed:
            return False
        try:
            ready, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        except (ValueError, OSError):
            self._lost()
            return False
        if not ready:
            return True
        try:
            data = self.sock.recv(1 << 20)
        except (ConnectionResetError, socket.timeout, OSError):
            self._lost()
            return False
        if not data:
            self._lost()
            return False
        try:
            events = self.conn.receive_data(data)
        except h2.exceptions.ProtocolError:
            self._lost()
            return False
        for event in events:
            self._handle(event)
        try:
            self.flush()
        except OSError:
            return False
        return True

    def _stream(self, stream_id):
        stream = self.streams.get(stream_id)
        if stream is None:
            stream = self.streams[stream_id] = StreamState(stream_id)
        return stream

    def _handle(self, event):
        self.events_seen += 1
        if isinstance(event, h2.events.ResponseReceived):
            self._stream(event.stream_id).headers = list(event.headers)
        elif isinstance(event, h2.events.TrailersReceived):
            self._stream(event.stream_id).trailers = list(event.headers)
        elif isinstance(event, h2.events.DataReceived):
            stream = self._stream(event.stream_id)
            stream.buffer += event.data
            while len(stream.buffer) >= 5:
                length = int.from_bytes(stream.buffer[1:5], "big")
                if len(stream.buffer) < 5 + length:
                    break
                stream.messages.append(stream.buffer[5:5 + length])
                stream.buffer = stream.buffer[5 + length:]
            if self.auto_window and event.flow_controlled_length:
                try:
                    self.conn.acknowledge_received_data(event.flow_controlled_length,
                                                        event.stream_id)
                except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
                    pass
        elif isinstance(event, h2.events.StreamEnded):
            self._stream(event.stream_id).ended = True
        elif isinstance(event, h2.events.StreamReset):
            stream = self._stream(event.stream_id)
            stream.ended = True
            if event.remote_reset:
                stream.reset_code = event.error_code
        elif isinstance(event, h2.events.PingAckReceived):
            self.ping_acks += 1
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.goaway = event
            # Streams above last_stream_id were not processed and never will be.
            for stream_id, stream in self.streams.items():
                if (event.last_stream_id is not None and stream_id > event.last_stream_id
                        and not stream.ended):
                    stream.ended = True
                    stream.connection_lost = True

    def wait_for(self, stream_id, timeout=5.0):
        """Read until the stream ended (or timeout); returns its StreamState."""
        deadline = time.monotonic() + timeout
        stream = self._stream(stream_id)
        while not stream.ended and not self.closed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self.pump(min(remaining, 0.5))
        return stream

    def wait_until(self, predicate, timeout=5.0):
        """Read until predicate() holds, the connection closed, or timeout; returns predicate()."""
        deadline = time.monotonic() + timeout
        while not predicate() and not self.closed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self.pump(min(remaining, 0.2))
        return predicate()

    def close(self):
        self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass


def b64_nopad(data):
    return base64.b64encode(data).rstrip(b"=")


def b64_decode_any(value):
    return base64.b64decode(value + b"=" * (-len(value) % 4))


# --- unittest glue -------------------------------------------------------------------------------

def grpc_status_name(code):
    names = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
             "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
             "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
             "UNAUTHENTICATED"]
    if code is None:
        return "no grpc-status"
    return f"{code} {names[code]}" if 0 <= code < len(names) else str(code)


def exit_description(proc):
    code = proc.poll()
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with {code}"


def main():
    """unittest.main() with verbose output, for `python3 test_x.py`."""
    import unittest
    unittest.main(verbosity=2)
