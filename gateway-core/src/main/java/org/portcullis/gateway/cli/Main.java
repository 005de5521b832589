package org.portcullis.gateway.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.portcullis.gateway.auth.PasswordHash;
import org.portcullis.gateway.config.ConfigException;
import org.portcullis.gateway.config.ConfigLoader;
import org.portcullis.gateway.config.GatewayConfig;
import org.portcullis.gateway.relay.Cidr;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code portcullis} command: {@code run} (the default), {@code check-config},
 * {@code hash-password} and {@code queue}. Exit codes follow sysexits: 0 fine, 64 usage,
 * 70 internal error, 74 I/O error, 78 configuration error.
 */
@Command(name = "portcullis", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A hardened boundary mail gateway.",
        subcommands = {Main.Run.class, Main.CheckConfig.class, Main.HashPassword.class, QueueCommand.class,
            PolicyCommand.class})
public final class Main implements Callable<Integer> {

    static final int EX_USAGE = 64;
    static final int EX_SOFTWARE = 70;
    static final int EX_IOERR = 74;
    static final int EX_CONFIG = 78;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        System.exit(cli.execute(args));
    }

    /** No command: run on the embedded default. */
    @Override
    public Integer call() throws Exception {
        return new Run().call();
    }

    /** Where {@code --config} is read: the file, or the embedded default when none is given. */
    static final class ConfigOption {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "the configuration file (default: the embedded config/portcullis.yaml)")
        Path file;

        GatewayConfig load() throws ConfigException {
            ConfigLoader loader = new ConfigLoader(Cidr::parse);
            return file == null ? loader.loadDefault() : loader.load(file);
        }

        String name() {
            return file == null ? "(embedded default) config/portcullis.yaml" : file.toString();
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Start the gateway and run until stopped (SIGTERM or Ctrl-C).")
    static final class Run implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOption config = new ConfigOption();

        @Override
        public Integer call() {
            GatewayConfig loaded;
            try {
                loaded = config.load();
            } catch (ConfigException e) {
                System.err.println("portcullis: " + e.getMessage());
                System.err.println("portcullis: not started; fix the configuration and start again");
                return EX_CONFIG;
            }
            Gateway gateway;
            try {
                gateway = Gateway.start(loaded, config.name(), config.file);
            } catch (ConfigException e) {
                System.err.println("portcullis: " + e.getMessage());
                return EX_CONFIG;
            } catch (IOException e) {
                System.err.println("portcullis: cannot start: " + e.getMessage());
                return EX_IOERR;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return EX_SOFTWARE;
            }
            // SIGHUP (systemctl reload): new filter chains and policy for new sessions.
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> Thread.startVirtualThread(gateway::reload));
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                gateway.close();
                stopped.countDown();
            }, "shutdown"));
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }

    @Command(name = "check-config", mixinStandardHelpOptions = true,
            description = "Load and validate the configuration, then exit: 0 when it can be used.")
    static final class CheckConfig implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOption config = new ConfigOption();

        @Override
        public Integer call() {
            try {
                GatewayConfig loaded = config.load();
                Gateway.checkResources(loaded);
                System.out.println("configuration OK: " + config.name());
                Banner.describe(loaded).forEach(line -> System.out.println("  " + line));
                return 0;
            } catch (ConfigException e) {
                System.err.println("portcullis: " + e.getMessage());
                return EX_CONFIG;
            }
        }
    }

    @Command(name = "hash-password", mixinStandardHelpOptions = true,
            description = {"Print a salted hash of a password for the auth.users_file, as user:hash.",
                "Asks on the terminal (twice, without echo); with --stdin reads one line from standard input."})
    static final class HashPassword implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", paramLabel = "USER", description = "the user name")
        String user;

        @Option(names = "--stdin", description = "read the password from standard input")
        boolean stdin;

        @Override
        public Integer call() throws IOException {
            if (user.isEmpty() || user.contains(":") || user.chars().anyMatch(c -> c <= ' ')) {
                System.err.println("portcullis: a user name must not be empty or hold ':' or spaces");
                return EX_USAGE;
            }
            char[] password;
            Console console = System.console();
            if (stdin || console == null) {
                var reader = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line = reader.readLine();
                password = line == null ? new char[0] : line.toCharArray();
            } else {
                password = console.readPassword("Password for %s: ", user);
                char[] again = console.readPassword("Again: ");
                if (password == null || !Arrays.equals(password, again)) {
                    System.err.println("portcullis: the passwords differ");
                    return EX_USAGE;
                }
            }
            if (password.length == 0) {
                System.err.println("portcullis: empty password");
                return EX_USAGE;
            }
            PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
            out.println(user + ":" + PasswordHash.create(password));
            Arrays.fill(password, '\0');
            return 0;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"Portcullis " + (v == null ? "(development build)" : v)
                    + " on Java " + Runtime.version().feature()};
        }
    }
}
