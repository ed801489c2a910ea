#pragma once

#include "core/commandline/commandline.h"

#include <QCommandLineOption>

class QCommandLineParser;

namespace Lucent::Core {

/// The options that promote, rollback and the promotion subcommands share, defined and read in
/// one place.
class PromotionOptionSet
{
public:
    /// @p forPromote adds what only a new promotion takes (--on-inconclusive, --preview).
    explicit PromotionOptionSet(bool forPromote);

    void addTo(QCommandLineParser &parser) const;
    /// Reads them into @p result; the sentence about the first wrong value, or empty.
    QString readInto(const QCommandLineParser &parser, CommandLine &result) const;

    const QCommandLineOption help;

private:
    bool m_forPromote;
    QCommandLineOption m_env;
    QCommandLineOption m_yes;
    QCommandLineOption m_confirm;
    QCommandLineOption m_monitor;
    QCommandLineOption m_delay;
    QCommandLineOption m_output;
    QCommandLineOption m_analysis;
    QCommandLineOption m_onInconclusive;
    QCommandLineOption m_preview;
    QCommandLineOption m_tokenFile;
    QCommandLineOption m_acknowledge;
    QCommandLineOption m_config;
    QCommandLineOption m_kubeconfig;
    QCommandLineOption m_logLevel;
};

} // namespace Lucent::Core
