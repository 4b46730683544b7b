// The natural client counterpart of the seed article's greeter server: same .proto, same
// loader options, same `var`/callback style, on `@grpc/grpc-js`.
//
// Usage: node seed_client.js TARGET NAME
// Prints the reply message and exits 0; on error prints "CODE message" to stderr, exits 1.
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

function main() {
  if (process.argv.length !== 4) {
    console.error('usage: node seed_client.js TARGET NAME');
    process.exit(2);
  }
  var target = process.argv[2];
  var name = process.argv[3];
  var client = new greet_proto.Greeter(target, grpc.credentials.createInsecure());
  // A deadline keeps the client from waiting forever on a server that never answers.
  var deadline = new Date(Date.now() + 5000);
  client.sayHello({name: name}, {deadline: deadline}, function(err, response) {
    client.close();
    if (err) {
      // err.details is the server's own message; err.message would prefix "3 INVALID_ARGUMENT: ".
      console.error(err.code + ' ' + err.details);
      process.exit(1);
    }
    console.log(response.message);
  });
}

main();
