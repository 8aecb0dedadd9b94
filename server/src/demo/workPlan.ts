import type { Meeting } from '@draftroom/shared';

/** The 2011 Work Plan of the Prague Process (Brussels SOM, 15 December 2010), with the SOM itself. */
export const workPlan2011: Omit<Meeting, 'id' | 'processId'>[] = [
  {
    startsOn: '2010-12-15',
    endsOn: '2010-12-15',
    dateLabel: '15 December 2010',
    title: "Senior Officials' Meeting",
    place: 'Brussels',
    kind: 'senior-officials-meeting',
  },
  {
    startsOn: '2011-03-15',
    endsOn: '2011-03-16',
    dateLabel: '15–16 March 2011',
    title: 'Workshop on BMP Strategy',
    place: 'Kiev',
    kind: 'workshop',
  },
  {
    startsOn: '2011-05-30',
    endsOn: '2011-05-31',
    dateLabel: '30–31 May 2011',
    title: "Senior Officials' Meeting",
    place: 'Budapest',
    kind: 'senior-officials-meeting',
  },
  {
    startsOn: '2011-09-01',
    endsOn: '2011-09-30',
    dateLabel: 'September 2011',
    title: 'Action Plan drafting meeting',
    place: 'Moscow/Warsaw',
    kind: 'drafting-meeting',
  },
  {
    startsOn: '2011-11-03',
    endsOn: '2011-11-03',
    dateLabel: '3 November 2011',
    title: 'Action Plan drafting meeting',
    place: 'Poznań, Poland',
    kind: 'drafting-meeting',
  },
  {
    startsOn: '2011-11-04',
    endsOn: '2011-11-04',
    dateLabel: '4 November 2011',
    title: 'Ministerial Conference',
    place: 'Poznań, Poland',
    kind: 'ministerial-conference',
  },
];
