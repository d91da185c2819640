import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.ts';

describe('parseConfig', () => {
  it('applies the defaults: embedded storage in ./data, UTC, info logs', () => {
    const config = parseConfig({ DISCORD_TOKEN: 'abc' }, { discordToken: true });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.defaultTimezone).toBe('UTC');
    expect(config.logLevel).toBe('info');
    expect(config.discordToken).toBe('abc');
  });

  it('treats empty values as unset (a .env with KEY= lines)', () => {
    const config = parseConfig({ DISCORD_TOKEN: 'abc', DATABASE_URL: '', DISCORD_API_URL: ' ' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.discordApiUrl).toBeUndefined();
  });

  it('collects every problem into one error', () => {
    let error: unknown;
    try {
      parseConfig({ DISCORD_APP_ID: 'app', DATABASE_URL: 'sqlite://x', DEFAULT_TIMEZONE: 'Nowhere/City' }, { discordToken: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/DISCORD_APP_ID[\s\S]*DATABASE_URL[\s\S]*DEFAULT_TIMEZONE[\s\S]*DISCORD_TOKEN is required/);
  });

  it('runs grading at niceness 10 unless told otherwise, within Unix nice values 0-19', () => {
    expect(parseConfig({}).graderNice).toBe(10);
    expect(parseConfig({ GRADER_NICE: '0' }).graderNice).toBe(0);
    expect(() => parseConfig({ GRADER_NICE: '20' })).toThrow(/GRADER_NICE/);
    expect(() => parseConfig({ GRADER_NICE: '-5' })).toThrow(/GRADER_NICE/);
  });

  it('accepts a real timezone and a Postgres URL', () => {
    const config = parseConfig({ DEFAULT_TIMEZONE: 'America/Sao_Paulo', DATABASE_URL: 'postgresql://u@h/db' });
    expect(config.defaultTimezone).toBe('America/Sao_Paulo');
    expect(config.databaseUrl).toBe('postgresql://u@h/db');
  });

  it('keeps the default timezone under its canonical name, whatever its case', () => {
    expect(parseConfig({ DEFAULT_TIMEZONE: 'europe/berlin' }).defaultTimezone).toBe('Europe/Berlin');
    expect(parseConfig({ DEFAULT_TIMEZONE: 'utc' }).defaultTimezone).toBe('UTC');
  });

  it('serves metrics only when METRICS_PORT is set, on loopback unless METRICS_HOST says otherwise', () => {
    expect(parseConfig({})).toMatchObject({ metricsPort: undefined, metricsHost: '127.0.0.1' });
    expect(parseConfig({ METRICS_PORT: '' }).metricsPort).toBeUndefined();
    expect(parseConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toMatchObject({ metricsPort: 9464, metricsHost: '0.0.0.0' });
    expect(parseConfig({ METRICS_PORT: '0' }).metricsPort).toBe(0);
    for (const port of ['65536', '-1', '94.5', 'http']) {
      expect(() => parseConfig({ METRICS_PORT: port }), port).toThrow(/METRICS_PORT must be a port number/);
    }
  });
});
