import { sqliteIdentityFixture } from '../support/identityRepositories';
import { describeParticipantRepositoryContract } from '../support/participantRepositoryContract';

describeParticipantRepositoryContract('SQLite', sqliteIdentityFixture);
