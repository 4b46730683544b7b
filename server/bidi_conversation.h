#pragma once

namespace greeter {

// What runs a bidi stream once its first request has been read: the plain greeting
// conversation, or a room member's session. BidiStreamReactor hands it every later reaction.
class BidiConversation {
 public:
  virtual ~BidiConversation() = default;

  // Starts the conversation with the first request, already taken.
  virtual void Begin() = 0;
  virtual void OnReadDone(bool ok) = 0;
  virtual void OnWriteDone(bool ok) = 0;
  virtual void OnCancel() = 0;
  // The call is over: nothing may reach it any more.
  virtual void OnDone() = 0;
};

}  // namespace greeter
