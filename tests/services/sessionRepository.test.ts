import { identityDatabase } from '../support/services/identityDatabase';
import { describeSessionRepositoryContract } from '../support/sessionRepositoryContract';

describeSessionRepositoryContract('PostgreSQL', identityDatabase('identity_sessions'));
