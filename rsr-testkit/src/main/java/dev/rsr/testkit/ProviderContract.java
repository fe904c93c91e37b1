package dev.rsr.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rsr.error.ConfigurationException;
import dev.rsr.spi.NamedProvider;
import dev.rsr.spi.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What every plugin's contract checks: its name, and how it reads its {@link Settings}. A plugin
 * author does not extend this class but the contract of the SPI the plugin implements
 * ({@link ImportanceStrategyContract}, {@link MaskPolicyContract}, …), which adds the checks of
 * that SPI's outputs.
 *
 * <p>The checks of settings follow the engine: it creates the configured instance, then calls
 * {@link Settings#check()}, which must report an unknown key, and a value of the wrong type for a
 * declared field, as one {@link ConfigurationException} naming the plugin and the field. The
 * fields a plugin declares are the ones it read; the kit learns them from the list
 * {@link Settings#check()} gives with an unknown key.
 *
 * <p>A check that does not apply to a plugin is skipped with a visible reason (a JUnit
 * assumption), never passed silently. To turn one off for a reason of your own, override the test
 * method with {@code @Test @Disabled("why")}.
 *
 * @param <P> the SPI
 * @param <C> the configured instance the SPI's {@code create} returns
 */
public abstract class ProviderContract<P extends NamedProvider, C> {
    /** A key no plugin declares, used to check that unknown keys are reported. */
    static final String UNKNOWN_KEY = "testkit_no_such_setting";
    /** Text no number, flag or choice accepts, used to check that wrong-typed values are reported. */
    static final String WRONG_TYPE = "not-a-value";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private final String scope;

    /** @param scope the role under which the engine configures this SPI's plugins, e.g. {@code mask} */
    ProviderContract(String scope) {
        this.scope = scope;
    }

    /**
     * The provider under test, as {@link java.util.ServiceLoader} would create it. Called once or
     * more per test; return a new instance each time unless the provider is stateless.
     */
    protected abstract P provider();

    /**
     * The settings to test the plugin with, field → text, as {@code --set role.field=value} gives
     * them. None by default: every field at its default. They must be valid.
     */
    protected Map<String, String> settings() {
        return Map.of();
    }

    /** The seed of the fixtures and of the {@link java.util.SplittableRandom} handed to the plugin. */
    protected long seed() {
        return 20_251_127L;
    }

    /** The role under which the engine configures this SPI's plugins ({@code importance}, {@code mask}, …): the scope of their settings. */
    protected final String scope() {
        return scope;
    }

    /** Creates the configured instance from {@code settings}, as the engine does (without checking them). */
    abstract C create(P provider, Settings settings);

    /** The configured instance for {@link #settings()}, checked as the engine checks it. */
    protected final C configured() {
        return configured(settings());
    }

    /**
     * The configured instance for {@code values}, checked as the engine checks it: the test fails
     * when {@link Settings#check()} refuses them or {@code create} returns null.
     */
    protected final C configured(Map<String, String> values) {
        P provider = provider();
        Settings settings = new Settings(scope, provider.name(), values);
        C made = create(provider, settings);
        try {
            settings.check();
        } catch (ConfigurationException e) {
            return fail(provider.name() + ": the settings " + values + " are refused: " + e.getMessage(), e);
        }
        assertNotNull(made, provider.name() + ": create() returned null");
        return made;
    }

    /**
     * The name is what configurations and the command line refer to: lower-case words joined by
     * hyphens ({@code top-k}), the same on every call and every instance, before and after
     * {@code create}.
     */
    @Test
    public void nameIsStableLowerCaseAndHyphenated() {
        P provider = provider();
        String name = provider.name();
        assertNotNull(name, provider.getClass().getName() + ".name() returned null");
        assertTrue(NAME.matcher(name).matches(), provider.getClass().getName() + ".name() is '" + name
                + "'; a plugin's name is lower-case words (letters and digits) joined by hyphens, e.g. top-k");
        assertEquals(name, provider.name(), "name() changed between two calls");
        assertEquals(name, provider().name(), "name() differs between two instances of the provider");
        create(provider, new Settings(scope, name, settings()));
        assertEquals(name, provider.name(), "name() changed after create()");
    }

    /** Every field at its default is a valid configuration, and so are {@link #settings()}. */
    @Test
    public void createsWithDefaultAndGivenSettings() {
        P provider = provider();
        Settings defaults = Settings.empty(scope, provider.name());
        C made = create(provider, defaults);
        assertDoesNotThrow(defaults::check, provider.name() + ": its default settings are refused");
        assertNotNull(made, provider.name() + ": create() returned null with default settings");
        configured();
    }

    /** An unknown key is reported by {@link Settings#check()}, naming the plugin and the key: a misspelt setting is never ignored. */
    @Test
    public void anUnknownSettingIsReportedNamingThePlugin() {
        P provider = provider();
        Map<String, String> values = new LinkedHashMap<>(settings());
        values.put(UNKNOWN_KEY, "1");
        Settings settings = new Settings(scope, provider.name(), values);
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> {
            create(provider, settings);
            settings.check();
        }, provider.name() + ": the unknown setting " + UNKNOWN_KEY + " was not reported; read settings only through Settings "
                + "and let the engine call check()");
        assertTrue(e.getMessage().contains("'" + provider.name() + "'"), "the error does not name the plugin: " + e.getMessage());
        assertTrue(e.getMessage().contains(UNKNOWN_KEY), "the error does not name the unknown key: " + e.getMessage());
    }

    /**
     * Each declared field, given text that no number, flag or choice accepts, is either accepted (a
     * field of names or free text) or reported by {@link Settings#check()} naming the plugin and the
     * field; {@code create} never throws anything else for it. Skipped when the plugin declares no
     * setting, or when every setting it declares takes free text.
     */
    @Test
    public void aValueOfTheWrongTypeIsReportedNamingPluginAndField() {
        P provider = provider();
        String name = provider.name();
        Optional<List<String>> declared = declaredFields(provider);
        assumeTrue(declared.isPresent(), name + ": the kit could not learn which settings it declares");
        assumeFalse(declared.get().isEmpty(), name + " declares no settings");
        List<String> refused = new ArrayList<>();
        for (String field : declared.get()) {
            Map<String, String> values = new LinkedHashMap<>(settings());
            values.put(field, WRONG_TYPE);
            Settings settings = new Settings(scope, name, values);
            try {
                create(provider(), settings);
                settings.check();
            } catch (ConfigurationException e) {
                assertTrue(e.getMessage().contains("'" + name + "'"), "the error for " + field + "=" + WRONG_TYPE
                        + " does not name the plugin: " + e.getMessage());
                assertTrue(e.getMessage().contains(qualified(field)), "the error for " + field + "=" + WRONG_TYPE
                        + " does not name the field as " + qualified(field) + ": " + e.getMessage());
                refused.add(field);
            } catch (RuntimeException e) {
                fail(name + ": create() threw " + e + " for " + field + "=" + WRONG_TYPE + "; read fields through Settings, "
                        + "which records a bad value and returns the default, so that every problem is reported at once", e);
            }
        }
        assumeFalse(refused.isEmpty(), name + ": every setting it declares (" + declared.get() + ") takes free text");
    }

    /**
     * The fields the plugin reads with {@link #settings()}, as {@link Settings#check()} lists them
     * when an unknown key is given; empty when the list cannot be found.
     */
    final Optional<List<String>> declaredFields(P provider) {
        Map<String, String> values = new LinkedHashMap<>(settings());
        values.put(UNKNOWN_KEY, "1");
        Settings settings = new Settings(scope, provider.name(), values);
        try {
            create(provider, settings);
            settings.check();
        } catch (ConfigurationException e) {
            String message = e.getMessage();
            int at = message.indexOf(qualified(UNKNOWN_KEY) + " is not a setting");
            if (at < 0) {
                return Optional.empty();
            }
            int end = message.indexOf(')', at);
            String clause = end < 0 ? "" : message.substring(at, end);
            if (clause.contains("(it has none")) {
                return Optional.of(List.of());
            }
            int list = clause.indexOf("(settings: ");
            if (list < 0) {
                return Optional.empty();
            }
            return Optional.of(List.of(clause.substring(list + "(settings: ".length()).split(", ")));
        }
        return Optional.empty();
    }

    /** How messages name a field: {@code scope.field}. */
    final String qualified(String field) {
        return scope + "." + field;
    }
}
