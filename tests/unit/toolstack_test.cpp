// The toolstack's inputs (guests/proto): its script language, the cpio archive it reads
// guest images from, and the device trees it writes for guests (read back with libfdt).
#include "cpio.h"
#include "guest_dt.h"
#include "toolstack_script.h"

#include <cstring>
#include <gtest/gtest.h>
#include <libfdt.h>
#include <string>
#include <vector>

namespace {

ts::Script parse_ok(const std::string& s) {
    ts::Script sc;
    ts::Error e;
    EXPECT_TRUE(ts::parse(s.data(), s.size(), &sc, &e)) << "line " << e.line << ": " << e.msg;
    return sc;
}

std::string parse_err(const std::string& s) {
    ts::Script sc;
    ts::Error e;
    EXPECT_FALSE(ts::parse(s.data(), s.size(), &sc, &e));
    return "line " + std::to_string(e.line) + ": " + e.msg;
}

TEST(ToolstackScript, CommandsAndArguments) {
    ts::Script s = parse_ok(
        "# a comment\n"
        "create name=vm1 kernel=minios_hello.bin memory=32 vcpus=2 args=\"role=ping peer=2\"\n"
        "\n"
        "list\n"
        "pause vm1   # trailing comment\n"
        "unpause vm1\n"
        "wait-key vm1 data/ticks 5000\n"
        "progress vm1 data/ticks\n"
        "wait-shutdown vm1\n"
        "destroy vm1\n"
        "sleep 100\n"
        "mem\n"
        "echo all done now\n"
        "shutdown\n");
    ASSERT_EQ(s.n, 12u);
    const ts::Command& c = s.cmds[0];
    EXPECT_EQ(c.op, ts::Op::Create);
    EXPECT_STREQ(c.name, "vm1");
    EXPECT_STREQ(c.kernel, "minios_hello.bin");
    EXPECT_EQ(c.memory_mib, 32u);
    EXPECT_EQ(c.vcpus, 2u);
    EXPECT_STREQ(c.args, "role=ping peer=2");
    EXPECT_EQ(c.line, 2u);
    EXPECT_EQ(s.cmds[1].op, ts::Op::List);
    EXPECT_EQ(s.cmds[2].op, ts::Op::Pause);
    EXPECT_STREQ(s.cmds[2].name, "vm1");
    EXPECT_EQ(s.cmds[4].op, ts::Op::WaitKey);
    EXPECT_STREQ(s.cmds[4].key, "data/ticks");
    EXPECT_EQ(s.cmds[4].ms, 5000u);
    EXPECT_EQ(s.cmds[5].ms, 300u); // progress default
    EXPECT_EQ(s.cmds[6].ms, 10000u);
    EXPECT_STREQ(s.cmds[10].text, "all done now");
    EXPECT_EQ(s.cmds[11].op, ts::Op::Shutdown);
    ts::release(&s);
}

TEST(ToolstackScript, RepeatBlocksExpand) {
    ts::Script s = parse_ok("echo start\nrepeat 3\n  create name=a kernel=k memory=8\n"
                            "  repeat 2\n    list\n  end\n  destroy a\nend\necho stop\n");
    // start + 3 * (create + 2 * list + destroy) + stop
    ASSERT_EQ(s.n, 14u);
    EXPECT_EQ(s.cmds[1].op, ts::Op::Create);
    EXPECT_EQ(s.cmds[2].op, ts::Op::List);
    EXPECT_EQ(s.cmds[3].op, ts::Op::List);
    EXPECT_EQ(s.cmds[4].op, ts::Op::Destroy);
    EXPECT_EQ(s.cmds[5].op, ts::Op::Create);
    EXPECT_EQ(s.cmds[13].op, ts::Op::Echo);
    ts::release(&s);
}

TEST(ToolstackScript, BadScriptsAreRefusedWithTheLine) {
    EXPECT_EQ(parse_err("list\nfrobnicate vm1\n"), "line 2: unknown command 'frobnicate'");
    EXPECT_EQ(parse_err("create name=x kernel=k\n"),
              "line 1: create needs name=, kernel= and memory=");
    EXPECT_EQ(parse_err("create name=x kernel=k memory=0\n"),
              "line 1: create: memory must be 1..4096 MiB, got '0'");
    EXPECT_EQ(parse_err("create name=x kernel=k memory=99999\n"),
              "line 1: create: memory must be 1..4096 MiB, got '99999'");
    EXPECT_EQ(parse_err("create name=x kernel=k memory=8 vcpus=9\n"),
              "line 1: create: vcpus must be 1..8, got '9'");
    EXPECT_EQ(parse_err("create name=b@d kernel=k memory=8\n"),
              "line 1: create: bad name 'b@d' (letters, digits, - and _)");
    EXPECT_EQ(parse_err("create name=x kernel=k memory=8 colour=red\n"),
              "line 1: create: unknown key 'colour=red'");
    EXPECT_EQ(parse_err("pause\n"), "line 1: pause: wrong number of arguments");
    EXPECT_EQ(parse_err("sleep soon\n"), "line 1: bad time 'soon' (milliseconds, at most 600000)");
    EXPECT_EQ(parse_err("echo \"unterminated\n"), "line 1: unterminated quote");
    EXPECT_EQ(parse_err("list\nend\n"), "line 2: 'end' without 'repeat'");
    EXPECT_EQ(parse_err("repeat 2\nlist\n"), "line 1: 'repeat' without 'end'");
    EXPECT_EQ(parse_err("repeat 0\nend\n"), "line 1: repeat needs a count of 1..1000");
    EXPECT_EQ(parse_err("wait-key vm /abs/key\n"),
              "line 1: wait-key: bad key '/abs/key' (relative to the domain's home)");
    EXPECT_EQ(parse_err("repeat 1000\nrepeat 1000\nlist\nend\nend\n"),
              "line 2: the script expands to more than 512 commands");
}

// A newc archive as tools/make_cpio.py writes it.
std::vector<uint8_t> archive(const std::vector<std::pair<std::string, std::string>>& files) {
    std::vector<uint8_t> out;
    auto entry = [&](const std::string& name, const std::string& data, uint32_t mode) {
        char h[111];
        snprintf(h, sizeof h, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", 1u,
                 mode, 0u, 0u, 1u, 0u, unsigned(data.size()), 0u, 0u, 0u, 0u,
                 unsigned(name.size() + 1), 0u);
        out.insert(out.end(), h, h + 110);
        out.insert(out.end(), name.begin(), name.end());
        out.push_back(0);
        while (out.size() % 4)
            out.push_back(0);
        out.insert(out.end(), data.begin(), data.end());
        while (out.size() % 4)
            out.push_back(0);
    };
    for (const auto& [n, d] : files)
        entry(n, d, 0100644);
    entry("TRAILER!!!", "", 0);
    return out;
}

TEST(Cpio, FindsFilesAndRejectsDamage) {
    auto a = archive({{"toolstack.script", "list\n"}, {"guest.bin", std::string(1001, 'g')}});
    cpio::File f;
    ASSERT_TRUE(cpio::find(a.data(), a.size(), "guest.bin", &f));
    EXPECT_EQ(f.size, 1001u);
    EXPECT_EQ(f.data[1000], 'g');
    ASSERT_TRUE(cpio::find(a.data(), a.size(), "toolstack.script", &f));
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(f.data), f.size), "list\n");
    EXPECT_FALSE(cpio::find(a.data(), a.size(), "missing", &f));
    // Truncated, or a size running past the end, or not cpio at all.
    EXPECT_FALSE(cpio::find(a.data(), a.size() / 2, "guest.bin", &f));
    auto b = a;
    memcpy(b.data() + 6 + 8 * 6, "7fffffff", 8); // the first file's size
    EXPECT_FALSE(cpio::find(b.data(), b.size(), "guest.bin", &f));
    const uint8_t junk[200] = {};
    EXPECT_FALSE(cpio::find(junk, sizeof junk, "guest.bin", &f));
}

TEST(GuestDt, WhatAGuestNeedsToFindXen) {
    std::vector<uint8_t> buf(8192);
    guestdt::Config c;
    c.ram_size = 32ull << 20;
    c.vcpus = 2;
    c.bootargs = "role=a";
    const size_t n = guestdt::build(c, buf.data(), buf.size());
    ASSERT_GT(n, 0u);
    const void* fdt = buf.data();
    ASSERT_EQ(fdt_check_header(fdt), 0);
    EXPECT_EQ(fdt_totalsize(fdt), n);
    const int hyp = fdt_path_offset(fdt, "/hypervisor");
    ASSERT_GE(hyp, 0);
    EXPECT_EQ(fdt_node_check_compatible(fdt, hyp, "xen,xen"), 0);
    int len;
    const auto* irq = static_cast<const fdt32_t*>(fdt_getprop(fdt, hyp, "interrupts", &len));
    ASSERT_EQ(len, 12);
    EXPECT_EQ(fdt32_to_cpu(irq[0]), 1u);  // PPI
    EXPECT_EQ(fdt32_to_cpu(irq[1]), 15u); // INTID 31
    const int mem = fdt_path_offset(fdt, "/memory@40000000");
    ASSERT_GE(mem, 0);
    const auto* reg = static_cast<const fdt32_t*>(fdt_getprop(fdt, mem, "reg", &len));
    ASSERT_EQ(len, 16);
    EXPECT_EQ(fdt32_to_cpu(reg[1]), 0x40000000u);
    EXPECT_EQ(fdt32_to_cpu(reg[3]), 32u << 20);
    EXPECT_GE(fdt_path_offset(fdt, "/cpus/cpu@1"), 0);
    EXPECT_LT(fdt_path_offset(fdt, "/cpus/cpu@2"), 0);
    const int chosen = fdt_path_offset(fdt, "/chosen");
    EXPECT_STREQ(static_cast<const char*>(fdt_getprop(fdt, chosen, "bootargs", &len)), "role=a");
    const int gic = fdt_node_offset_by_compatible(fdt, -1, "arm,cortex-a15-gic");
    ASSERT_GE(gic, 0);
    EXPECT_EQ(fdt_get_phandle(fdt, gic), fdt32_to_cpu(*static_cast<const fdt32_t*>(
                                             fdt_getprop(fdt, 0, "interrupt-parent", &len))));
    const int psci = fdt_path_offset(fdt, "/psci");
    EXPECT_STREQ(static_cast<const char*>(fdt_getprop(fdt, psci, "method", &len)), "hvc");
    // Too small a buffer is an error, not an overflow.
    EXPECT_EQ(guestdt::build(c, buf.data(), 100), 0u);
}

} // namespace
