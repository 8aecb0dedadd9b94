import { sqliteIdentityFixture } from '../support/identityRepositories';
import { describeProcessRepositoryContract } from '../support/processRepositoryContract';

describeProcessRepositoryContract('SQLite', sqliteIdentityFixture);
