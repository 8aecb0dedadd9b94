import { describeParticipantRepositoryContract } from '../support/participantRepositoryContract';
import { identityDatabase } from '../support/services/identityDatabase';

describeParticipantRepositoryContract('PostgreSQL', identityDatabase('identity_participants'));
