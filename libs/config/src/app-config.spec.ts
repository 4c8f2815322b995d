import { InvalidConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PROMETHEUS_URL: 'http://127.0.0.1:9090',
      API_PORT: 3000,
      STATUS_PAGE_PORT: 3001,
      SLO_EVAL_INTERVAL_S: 60,
      DATA_DIR: './.data',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.API_ADMIN_TOKEN).toBeUndefined();
    expect(config.slackEnabled).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses numbers and booleans from strings', () => {
    const config = loadConfig({ API_PORT: '8080', SLO_EVAL_INTERVAL_S: '15', SCHEDULER_ENABLED: 'false' });
    expect(config.API_PORT).toBe(8080);
    expect(config.SLO_EVAL_INTERVAL_S).toBe(15);
    expect(config.SCHEDULER_ENABLED).toBe(false);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', API_ADMIN_TOKEN: '  ' }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    ['API_PORT', 'abc', 'integer port'],
    ['API_PORT', '70000', 'API_PORT'],
    ['SLO_EVAL_INTERVAL_S', '0', 'SLO_EVAL_INTERVAL_S'],
    ['DATABASE_URL', 'mysql://x', 'postgres://'],
    ['PROMETHEUS_URL', 'not a url', 'http(s) URL'],
    ['SLACK_BOT_TOKEN', 'abc', 'xoxb-'],
    ['API_ADMIN_TOKEN', 'short', 'at least 16'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
    ['SCHEDULER_ENABLED', 'maybe', 'true or false'],
    ['SMTP_URL', 'http://mail.example.com', 'smtp://'],
    ['MAIL_FROM', 'not an address', 'e-mail address'],
    ['SUBSCRIBER_WEBHOOK_ALLOW_PRIVATE', 'maybe', 'true or false'],
    ['SUBSCRIBER_WEBHOOK_MAX_FAILURES', '0', 'SUBSCRIBER_WEBHOOK_MAX_FAILURES'],
    ['REMINDER_SEV1_MIN', '-5', 'REMINDER_SEV1_MIN'],
    ['REMINDER_SEV2_MIN', 'soon', 'minutes (0 = never)'],
    ['SLACK_RETRY_INTERVAL_S', '1', 'SLACK_RETRY_INTERVAL_S'],
  ])('fails naming %s when it is %j', (variable, value, expected) => {
    let thrown: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidConfigError);
    const error = thrown as InvalidConfigError;
    expect(error.message).toContain(variable);
    expect(error.message).toContain(expected);
    expect(error.problems.map((problem) => problem.variable)).toEqual([variable]);
  });

  it('takes SLO_REQUIRED_TEAM_LABEL as a Prometheus label name, or unset', () => {
    expect(loadConfig({}).SLO_REQUIRED_TEAM_LABEL).toBeUndefined();
    expect(loadConfig({ SLO_REQUIRED_TEAM_LABEL: '' }).SLO_REQUIRED_TEAM_LABEL).toBeUndefined();
    expect(loadConfig({ SLO_REQUIRED_TEAM_LABEL: 'team' }).SLO_REQUIRED_TEAM_LABEL).toBe('team');
    expect(() => loadConfig({ SLO_REQUIRED_TEAM_LABEL: 'team-name' })).toThrow(/SLO_REQUIRED_TEAM_LABEL/);
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ API_PORT: 'x', STATUS_PAGE_PORT: 'y' })).toThrow(/API_PORT.*STATUS_PAGE_PORT|STATUS_PAGE_PORT.*API_PORT/);
  });

  it('enables Slack only with a bot token and a signing secret or app token', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }).slackEnabled).toBe(false);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123' }).slackEnabled).toBe(true);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slackEnabled).toBe(true);
  });
});
