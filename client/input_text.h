#pragma once

#include <istream>
#include <optional>
#include <string>
#include <string_view>

namespace greeter {

// What the client makes of text a person gives it, in arguments, piped lines or the REPL.

// Reads one line without its ending, "\n" or "\r\n" (a file saved on Windows, a paste from a
// browser); false at the end of input.
bool ReadInputLine(std::istream& input, std::string& line);
// Drops the '\r' of a line read without its '\n'.
void DropCarriageReturn(std::string& line);

// Empty or only white space: spacing between lines, never a name or a text.
bool IsBlank(std::string_view text);

// Why a name (`field` says which) is refused before it is sent: it is not UTF-8 (protobuf
// would not send it), or only white space, which no one means as a name; nothing otherwise.
// An empty name is left to the server, which refuses it with its limits.
std::optional<std::string> NameProblem(std::string_view field, std::string_view name);

}  // namespace greeter
