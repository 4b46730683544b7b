# The asan preset turns this on: AddressSanitizer and UndefinedBehaviorSanitizer on every target.
option(GREETER_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
add_library(greeter_sanitizers INTERFACE)
if(GREETER_SANITIZE)
  target_compile_options(greeter_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(greeter_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
