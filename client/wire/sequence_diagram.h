#pragma once

#include <string>
#include <vector>

#include "client/wire/frame.h"

namespace greeter::wire {

// --frames=mermaid: the frames as a Mermaid sequence diagram, for slides or a Markdown page
// (GitHub and most Markdown tools draw Mermaid from text: nothing to install, and the text
// diffs and edits like code, which an SVG does not). Client and server lanes, one arrow per
// frame, each arrow in a box of its stream's colour. Lines are complete as they are printed,
// so the diagram is valid wherever the output stops.

// "sequenceDiagram" and the two lanes.
std::vector<std::string> DiagramHeader();
// One frame: its arrow, boxed in its stream's colour (connection frames unboxed).
std::vector<std::string> DiagramFrame(const Frame& frame);
// A note across both lanes: a new connection, a stream's summary.
std::string DiagramNote(const std::string& text);

}  // namespace greeter::wire
