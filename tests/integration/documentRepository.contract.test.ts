import { describeDocumentRepositoryContract } from '../support/documentRepositoryContract';
import { sqliteIdentityFixture } from '../support/identityRepositories';

describeDocumentRepositoryContract('SQLite', sqliteIdentityFixture);
