import { identityDatabase } from '../support/services/identityDatabase';
import { describeUserRepositoryContract } from '../support/userRepositoryContract';

describeUserRepositoryContract('PostgreSQL', identityDatabase('identity_users'));
