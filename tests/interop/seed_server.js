// The seed article's greeter_server.js, ported from the deprecated `grpc` package to its
// maintained successor `@grpc/grpc-js`. The service code and loader options are the seed's,
// unchanged; only binding, the readiness line and shutdown differ (so tests can drive it).
//
// Usage: node seed_server.js [HOST:PORT]   (default 127.0.0.1:0, i.e. any free port)
var grpc = require('@grpc/grpc-js');
var protoLoader = require('@grpc/proto-loader');

var packageDefinition = protoLoader.loadSync(
  __dirname + '/seed.proto',
  {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true
  });
var greet_proto = grpc.loadPackageDefinition(packageDefinition).greet;

function sayHello(call, callback) {
  callback(null, {message: 'Hello ' + call.request.name});
}

function main() {
  var address = process.argv[2] || '127.0.0.1:0';
  var server = new grpc.Server();
  server.addService(greet_proto.Greeter.service, {sayHello: sayHello});
  // grpc-js has no synchronous bind(); bindAsync starts serving by itself once bound
  // (server.start() is deprecated), so the readiness line goes in its callback.
  server.bindAsync(address, grpc.ServerCredentials.createInsecure(), function(err, port) {
    if (err) {
      console.error('seed-server: cannot bind ' + address + ': ' + err.message);
      process.exit(1);
    }
    // Report the real port (address may ask for port 0); tests wait for this exact line.
    var host = address.slice(0, address.lastIndexOf(':'));
    console.log('seed-server listening on ' + host + ':' + port);
  });

  function shutdown() {
    // Let in-flight calls finish, but never hang the caller's cleanup.
    setTimeout(function() { server.forceShutdown(); process.exit(0); }, 2000).unref();
    server.tryShutdown(function() { process.exit(0); });
  }
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main();
