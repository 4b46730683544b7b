#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace greeter {

// The texts the server replies with, in one place so that tests and docs agree.

// "Hello Alice": the original greeter's reply, unchanged.
std::string GreetOne(std::string_view name);

// "Hello Alice (2 of 3)": one reply of a server stream.
std::string GreetInStream(std::string_view name, uint32_t sequence, uint32_t count);

// "Hello Alice, Bob and Carol": the client stream's one reply; "Hello nobody" for no names.
std::string GreetAll(const std::vector<std::string>& names);

}  // namespace greeter
