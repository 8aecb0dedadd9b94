import { sqliteIdentityFixture } from '../support/identityRepositories';
import { describeUserRepositoryContract } from '../support/userRepositoryContract';

describeUserRepositoryContract('SQLite', sqliteIdentityFixture);
