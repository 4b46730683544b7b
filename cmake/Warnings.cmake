# Warnings as an INTERFACE target, linked PRIVATE by our own targets only.
add_library(greeter_warnings INTERFACE)
target_compile_options(greeter_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wconversion -Wsign-conversion -Wnull-dereference -Wdouble-promotion
  -Wimplicit-fallthrough)
