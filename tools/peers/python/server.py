#!/usr/bin/python3
"""greet.Greeter's four calls on grpcio's asyncio API (grpc.aio), the way the Python community
writes them: generated stubs, one coroutine per method, async generators for streams. A peer for
tools/bench, not part of greeter.

Usage: server.py --stubs DIR [--listen HOST:PORT]
DIR holds greet_pb2.py and greet_pb2_grpc.py (tools/bench generates them with protoc and
grpc_python_plugin). Prints "python-greeter listening on HOST:PORT" once it accepts calls;
SIGTERM/SIGINT stop it.
"""

import argparse
import asyncio
import signal
import sys


def greet_all(names):
    if not names:
        return "Hello nobody"
    if len(names) == 1:
        return f"Hello {names[0]}"
    return f"Hello {', '.join(names[:-1])} and {names[-1]}"


def make_servicer(greet_pb2, greet_pb2_grpc):
    HelloReply = greet_pb2.HelloReply

    class Greeter(greet_pb2_grpc.GreeterServicer):
        async def SayHello(self, request, context):
            return HelloReply(message=f"Hello {request.name}")

        async def SayHelloServerStream(self, request, context):
            count = request.count if request.HasField("count") else 3
            interval_ms = request.interval_ms if request.HasField("interval_ms") else 100
            for sequence in range(1, count + 1):
                if sequence > 1 and interval_ms:
                    await asyncio.sleep(interval_ms / 1000)
                yield HelloReply(
                    message=f"Hello {request.name} ({sequence} of {count})", sequence=sequence)

        async def SayHelloClientStream(self, request_iterator, context):
            names = [request.name async for request in request_iterator]
            return HelloReply(message=greet_all(names), count=len(names))

        async def SayHelloBidiStream(self, request_iterator, context):
            sequence = 0
            async for request in request_iterator:
                sequence += 1
                yield HelloReply(message=f"Hello {request.name}", sequence=sequence)

    return Greeter()


async def serve(listen, greet_pb2, greet_pb2_grpc):
    import grpc

    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
    greet_pb2_grpc.add_GreeterServicer_to_server(make_servicer(greet_pb2, greet_pb2_grpc), server)
    port = server.add_insecure_port(listen)
    if port == 0:
        print(f"python-greeter: cannot listen on {listen}", file=sys.stderr)
        return 1
    await server.start()
    host = listen.rsplit(":", 1)[0]
    print(f"python-greeter listening on {host}:{port}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    await stop.wait()
    await server.stop(grace=1)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:0")
    parser.add_argument("--stubs", required=True, help="folder of greet_pb2*.py")
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)
    import greet_pb2
    import greet_pb2_grpc

    return asyncio.run(serve(args.listen, greet_pb2, greet_pb2_grpc))


if __name__ == "__main__":
    sys.exit(main())
