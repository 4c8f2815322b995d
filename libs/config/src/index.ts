export { AppConfig, EnvironmentSchema, InvalidConfigError, loadConfig } from './app-config';
export { ConfigModule } from './config.module';
