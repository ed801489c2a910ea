#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace lucent::sandbox {

/// The executable @p name on PATH, or empty.
std::string findOnPath(const std::string &name);
/// A loopback port nobody listens on right now.
int freeLoopbackPort();

/// A helper server the sandbox runs beside itself (Prometheus, Alertmanager). It dies with the
/// sandbox, even a killed one, and is stopped when this object goes.
class ChildProcess
{
public:
    ChildProcess() = default;
    ~ChildProcess();
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;

    /// Starts @p args (args[0] is the binary) with output in @p logFile and waits until it
    /// listens on @p port. @p what names it in @p error ("Prometheus").
    bool start(const std::vector<std::string> &args, const std::string &logFile, int port, const std::string &what,
               std::string &error);
    void stop();

private:
    pid_t m_pid = -1;
};

} // namespace lucent::sandbox
