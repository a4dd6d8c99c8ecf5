import { Text, View } from '@tarojs/components';
import type { CheckinDay } from '../../api/checkin';
import { WEEKDAYS, monthCells } from '../../domain/calendar';

export interface CalendarProps {
  month: string;
  today: string;
  days: CheckinDay[];
  /** What checking in gives on a day not yet reached (today's base reward). */
  dailyReward: number;
  todayReward: number;
  onMakeUp: (d: CheckinDay) => void;
}

/** What a cell says under its date: the points earned, today's reward, 补签 for a missed day, the reward ahead. */
function cellNote(d: CheckinDay | null, date: string, p: CalendarProps): string {
  if (d?.checked) return `+${d.points}`;
  if (date === p.today) return `+${p.todayReward}`;
  if (d?.canMakeUp) return '补签';
  return date > p.today ? `+${p.dailyReward}` : '';
}

/** The month, Sunday first: checked days filled, today ringed, missed days that can be made up dashed. */
export default function Calendar(p: CalendarProps) {
  return (
    <View className="calendar" data-testid="checkin-calendar">
      <View className="calendar__row calendar__week">
        {WEEKDAYS.map((w) => (
          <Text key={w} className="calendar__weekday">
            {w}
          </Text>
        ))}
      </View>
      <View className="calendar__row">
        {monthCells(p.month, p.days).map((c) => {
          if (c.kind === 'blank') return <View key={c.key} className="calendar__cell is-blank" />;
          const d = c.day;
          const cls = [
            'calendar__cell',
            d?.checked ? 'is-done' : '',
            c.date === p.today ? 'is-today' : '',
            d?.canMakeUp ? 'is-missed' : '',
            c.date > p.today ? 'is-future' : '',
          ]
            .filter(Boolean)
            .join(' ');
          return (
            <View
              key={c.key}
              className={cls}
              data-testid={`day-${c.date}`}
              onClick={() => d?.canMakeUp && p.onMakeUp(d)}
            >
              <Text className="calendar__date">{Number(c.date.slice(8))}</Text>
              <Text className="calendar__note">{cellNote(d, c.date, p)}</Text>
              {d?.kind === 'makeup' && <Text className="calendar__tag">补</Text>}
            </View>
          );
        })}
      </View>
    </View>
  );
}
