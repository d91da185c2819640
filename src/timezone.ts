// Timezone names as the bot stores and shows them: the IANA name spelled the way the time zone
// database spells it ("Europe/Berlin"), whatever case it was typed in.

/** The zone names this runtime lists, by their lower-case form; "UTC" is not always among them. */
let byLowerCase: Map<string, string> | undefined;

function knownZones(): Map<string, string> {
  byLowerCase ??= new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((name) => [name.toLowerCase(), name]));
  return byLowerCase;
}

/**
 * The canonical spelling of an IANA timezone name in any case ("europe/berlin" -> "Europe/Berlin"),
 * or undefined when it names no zone. A name the runtime does not list (an alias such as
 * "US/Eastern") comes back as the runtime resolves it. Offsets ("+01:00") and words such as
 * "local" are not IANA names and are refused.
 */
export function canonicalTimezone(name: string): string | undefined {
  const typed = name.trim();
  if (!typed) return undefined;
  const listed = knownZones().get(typed.toLowerCase());
  if (listed) return listed;
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(typed)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: typed }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * Zone names that contain what was typed, ignoring case and treating spaces as underscores
 * ("new york" finds America/New_York); names that start with it come first.
 */
export function timezonesMatching(typed: string, limit: number): string[] {
  const needle = typed.trim().toLowerCase().replace(/\s+/g, '_');
  const names = [...knownZones().values()];
  if (!needle) return names.slice(0, limit);
  const matching = names.filter((name) => name.toLowerCase().includes(needle));
  const startsWith = (name: string) => name.toLowerCase().split('/').some((part) => part.startsWith(needle));
  return [...matching.filter(startsWith), ...matching.filter((name) => !startsWith(name))].slice(0, limit);
}
