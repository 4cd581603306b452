// The toolstack's script language: one xl-like command per line, '#' comments, and
// "repeat N" ... "end" blocks (expanded at parse time). Portable and host-tested; dom0's
// toolstack runs the result.
//
//   create name=NAME kernel=FILE memory=MIB [vcpus=N] [args="..."]
//   list                      id, name, memory, vCPUs, state of every domain
//   pause NAME | unpause NAME | destroy NAME
//   sleep MS
//   wait-key NAME KEY [MS]    until the domain writes KEY under its xenstore home
//   wait-shutdown NAME [MS]   until the domain shuts down
//   progress NAME KEY [MS]    whether KEY's number changes within MS (default 300)
//   mem                       free host memory and what domains hold
//   echo TEXT...
//   shutdown                  stop here and power off
//
// A script with any error is refused as a whole, with the line and what was wrong.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ts {

enum class Op {
    Create,
    List,
    Pause,
    Unpause,
    Destroy,
    Sleep,
    WaitKey,
    WaitShutdown,
    Progress,
    Mem,
    Echo,
    Shutdown
};

struct Command {
    Op op = Op::Echo;
    unsigned line = 0;
    char name[32] = {};
    char kernel[64] = {};
    uint64_t memory_mib = 0;
    uint32_t vcpus = 1;
    char args[160] = {};
    char key[64] = {};
    uint64_t ms = 0;
    char text[160] = {};
};

struct Script {
    Command* cmds = nullptr;
    unsigned n = 0;
};

struct Error {
    unsigned line = 0;
    char msg[160] = {};
};

constexpr unsigned kMaxCommands = 512;
constexpr uint64_t kMaxMemoryMib = 4096;
constexpr uint32_t kMaxVcpus = 8;

bool parse(const char* text, size_t len, Script* out, Error* err);
void release(Script* s);
const char* op_name(Op op);

} // namespace ts
