#include "common/pem_file.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace greeter {

std::string ReadPemFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  if (!file || !(contents << file.rdbuf())) throw std::runtime_error("cannot read " + path);
  return contents.str();
}

}  // namespace greeter
