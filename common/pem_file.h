#pragma once

#include <string>

namespace greeter {

// The whole of a PEM file; throws std::runtime_error naming the file when it cannot be read.
std::string ReadPemFile(const std::string& path);

}  // namespace greeter
