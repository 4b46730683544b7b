// greet.Greeter's four calls on @grpc/grpc-js, written the way the Node.js community writes
// them: proto-loader at run time, one handler per method, streams as Node streams (with
// backpressure on the server stream). A peer for tools/bench, not part of greeter.
//
// Usage: node server.js [HOST:PORT]   (default 127.0.0.1:0: any free port)
// Prints "node-greeter listening on HOST:PORT" once it accepts calls; SIGTERM/SIGINT stop it.
'use strict';

const path = require('path');
const { once } = require('events');
const { setTimeout: sleep } = require('timers/promises');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO = path.join(__dirname, '..', '..', '..', 'proto', 'greet.proto');
// defaults: false keeps absent proto3 `optional` fields undefined, so count and interval_ms
// can tell "absent" from 0 as greet.proto asks.
const packageDefinition = protoLoader.loadSync(PROTO, {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: false,
  oneofs: true,
});
const greet = grpc.loadPackageDefinition(packageDefinition).greet;

function greetAll(names) {
  if (names.length === 0) return 'Hello nobody';
  if (names.length === 1) return `Hello ${names[0]}`;
  return `Hello ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function sayHello(call, callback) {
  callback(null, { message: `Hello ${call.request.name}` });
}

async function sayHelloServerStream(call) {
  const { name } = call.request;
  const count = call.request.count ?? 3;
  const intervalMs = call.request.interval_ms ?? 100;
  // A cancel aborts the wait in progress, whichever it is (interval or backpressure).
  const cancelled = new AbortController();
  call.once('cancelled', () => cancelled.abort());
  const { signal } = cancelled;
  try {
    for (let sequence = 1; sequence <= count; sequence++) {
      if (sequence > 1 && intervalMs > 0) await sleep(intervalMs, undefined, { signal });
      const more = call.write({ message: `Hello ${name} (${sequence} of ${count})`, sequence });
      if (!more) await once(call, 'drain', { signal });
    }
    call.end();
  } catch (error) {
    if (error.name !== 'AbortError') throw error;  // cancelled: nothing more to send
  }
}

function sayHelloClientStream(call, callback) {
  const names = [];
  call.on('data', (request) => names.push(request.name));
  call.on('end', () => callback(null, { message: greetAll(names), count: names.length }));
}

function sayHelloBidiStream(call) {
  let sequence = 0;
  call.on('data', (request) => {
    call.write({ message: `Hello ${request.name}`, sequence: ++sequence });
  });
  call.on('end', () => call.end());
}

function main() {
  const address = process.argv[2] || '127.0.0.1:0';
  const server = new grpc.Server();
  server.addService(greet.Greeter.service, {
    SayHello: sayHello,
    SayHelloServerStream: sayHelloServerStream,
    SayHelloClientStream: sayHelloClientStream,
    SayHelloBidiStream: sayHelloBidiStream,
  });
  server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) {
      console.error(`node-greeter: cannot bind ${address}: ${error.message}`);
      process.exit(1);
    }
    const host = address.slice(0, address.lastIndexOf(':'));
    console.log(`node-greeter listening on ${host}:${port}`);
  });
  const stop = () => server.tryShutdown(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
