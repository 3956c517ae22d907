// leaks.cpp: the same as leaks.c, from C++, to show the headers are C++-clean.
//
//   c++ leaks.cpp $(pkg-config --cflags --libs gomemdx) -o leaks
#include <gomemdx/analyze.h>
#include <gomemdx/findings.h>
#include <gomemdx/ingest.h>
#include <gomemdx/input.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: leaks DUMP\n");
        return 2;
    }
    std::ifstream file(argv[1], std::ios::binary);
    std::vector<char> dump((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (!file.good() && !file.eof()) {
        std::perror(argv[1]);
        return 2;
    }
    std::unique_ptr<gmx_findings, decltype(&gmx_findings_free)> findings(gmx_findings_new(),
                                                                         gmx_findings_free);
    gmx_error err{};
    gmx_input *in = nullptr;
    gmx_gsnapshot snap{};
    if (!findings || gmx_input_from_memory(argv[1], dump.data(), dump.size(), &in, &err) != GMX_OK ||
        gmx_ingest_goroutines_input(in, nullptr, &snap, &err) != GMX_OK) {
        char line[1024];
        gmx_error_format(&err, line, sizeof line);
        std::fprintf(stderr, "leaks: %s\n", line);
        return 2;
    }
    gmx_code rc = gmx_analyze_goroutines(&snap, 1, nullptr, findings.get(), &err);
    for (size_t i = 0; rc == GMX_OK && i < gmx_findings_count(findings.get()); i++) {
        const gmx_finding *f = gmx_findings_at(findings.get(), i);
        std::printf("#%u %s %s\n", unsigned(f->rank), gmx_severity_name(f->severity),
                    std::string(f->title.p, f->title.n).c_str());
    }
    findings.reset(); // the findings borrow the snapshot: free them first
    gmx_gsnapshot_release(&snap);
    return rc == GMX_OK ? 0 : 2;
}
