import { sqliteIdentityFixture } from '../support/identityRepositories';
import { describeSessionRepositoryContract } from '../support/sessionRepositoryContract';

describeSessionRepositoryContract('SQLite', sqliteIdentityFixture);
