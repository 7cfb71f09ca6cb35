//! The dashboard's charts, drawn on the server as SVG so that they read without JavaScript:
//! cases opened and resolved per week, cases opened per hour, and the category mix. Each comes with a table of the
//! same numbers, which is what screen readers announce (the drawings are hidden from them).

use crate::{
    api::dashboard::{HourDto, WeekDto},
    domain::Category,
    i18n::{t, use_i18n},
    ui::components::{
        desk_table::DeskTable,
        messages::{category_short_text, date_text, date_time_text},
    },
};
use leptos::prelude::*;

const CHART_HEIGHT: i64 = 160;
const BAR: i64 = 8;
const WEEK_WIDTH: i64 = 2 * BAR + 10;
const LEFT: i64 = 40;

/// A round upper bound for the axis: 1, 2 or 5 times a power of ten, at least `max`.
pub fn axis_top(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for k in [1, 2, 5] {
            if k * step >= max.max(1) {
                return k * step;
            }
        }
        step *= 10;
    }
}

#[component]
pub fn WeeklyChart(weeks: Vec<WeekDto>) -> impl IntoView {
    let i18n = use_i18n();
    let top = axis_top(weeks.iter().map(|w| w.opened.max(w.resolved)).max().unwrap_or(0));
    let width = LEFT + WEEK_WIDTH * weeks.len() as i64 + 10;
    let height = CHART_HEIGHT + 30;
    let scale = move |n: i64| n * CHART_HEIGHT / top;
    let bars = weeks
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let x = LEFT + WEEK_WIDTH * i as i64 + 4;
            let (ho, hr) = (scale(w.opened), scale(w.resolved));
            view! {
                <rect class="bar-opened" x=x y=CHART_HEIGHT - ho + 10 width=BAR height=ho />
                <rect class="bar-resolved" x=x + BAR y=CHART_HEIGHT - hr + 10 width=BAR height=hr />
            }
        })
        .collect_view();
    let labels = weeks
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 4 == 0)
        .map(|(i, w)| {
            let x = LEFT + WEEK_WIDTH * i as i64 + 4;
            view! { <text x=x y=CHART_HEIGHT + 25 class="axis">{w.monday[5..].to_owned()}</text> }
        })
        .collect_view();
    let rows = weeks
        .into_iter()
        .map(|w| {
            view! {
                <tr>
                    <th scope="row"><time datetime=w.monday.clone()>{date_text(i18n, &w.monday)}</time></th>
                    <td>{w.opened}</td>
                    <td>{w.resolved}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="weekly-title" class="chart">
            <h2 id="weekly-title">{t!(i18n, desk.dashboard.weekly_title)}</h2>
            <p class="legend" aria-hidden="true">
                <span class="key key-opened"></span>{t!(i18n, desk.dashboard.opened)}
                " "<span class="key key-resolved"></span>{t!(i18n, desk.dashboard.resolved)}
            </p>
            <svg class="weekly" aria-hidden="true" focusable="false" viewBox=format!("0 0 {width} {height}") width=width height=height
                xmlns="http://www.w3.org/2000/svg">
                <line class="axis" x1=LEFT y1=10 x2=LEFT y2=CHART_HEIGHT + 10 />
                <line class="axis" x1=LEFT y1=CHART_HEIGHT + 10 x2=width - 5 y2=CHART_HEIGHT + 10 />
                <text x=LEFT - 4 y=16 class="axis" text-anchor="end">{top}</text>
                <text x=LEFT - 4 y=CHART_HEIGHT + 10 class="axis" text-anchor="end">"0"</text>
                {bars}
                {labels}
            </svg>
            <DeskTable caption_id="weeks-caption" class="weeks" id="weeks-table" caption=t!(i18n, desk.dashboard.weeks_caption).into_any()
                head=view! {
                    <th scope="col">{t!(i18n, desk.dashboard.week_of)}</th>
                    <th scope="col">{t!(i18n, desk.dashboard.opened)}</th>
                    <th scope="col">{t!(i18n, desk.dashboard.resolved)}</th>
                }.into_any()>
                {rows}
            </DeskTable>
        </section>
    }
}

const HOUR_WIDTH: i64 = 8;

/// Cases opened in each of the last 48 hours, so that a flood is seen: a bar per hour, and
/// the same numbers as a table (hours without a case left out of it).
#[component]
pub fn IntakeChart(hours: Vec<HourDto>) -> impl IntoView {
    let i18n = use_i18n();
    let top = axis_top(hours.iter().map(|h| h.opened).max().unwrap_or(0));
    let width = LEFT + HOUR_WIDTH * hours.len() as i64 + 10;
    let height = CHART_HEIGHT + 30;
    let bars = hours
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let x = LEFT + HOUR_WIDTH * i as i64 + 1;
            let tall = h.opened * CHART_HEIGHT / top;
            view! { <rect class="bar-opened" x=x y=CHART_HEIGHT - tall + 10 width=HOUR_WIDTH - 2 height=tall /> }
        })
        .collect_view();
    // Every sixth hour is labelled with its UTC time.
    let labels = hours
        .iter()
        .enumerate()
        .filter(|(_, h)| h.start.rem_euclid(6 * 3_600) == 0)
        .map(|(i, h)| {
            let x = LEFT + HOUR_WIDTH * i as i64;
            view! { <text x=x y=CHART_HEIGHT + 25 class="axis">{format!("{:02}:00", h.start.rem_euclid(86_400) / 3_600)}</text> }
        })
        .collect_view();
    let total: i64 = hours.iter().map(|h| h.opened).sum();
    let rows = hours
        .into_iter()
        .filter(|h| h.opened > 0)
        .map(|h| {
            let start = h.start;
            view! {
                <tr>
                    <th scope="row"><time>{move || date_time_text(i18n, start)}</time></th>
                    <td>{h.opened}</td>
                </tr>
            }
        })
        .collect_view();
    let total_count = u32::try_from(total).unwrap_or(u32::MAX);
    view! {
        <section aria-labelledby="intake-title" class="chart" id="intake">
            <h2 id="intake-title">{t!(i18n, desk.dashboard.intake_title)}</h2>
            <p id="intake-total">{t!(i18n, desk.dashboard.intake_total, count = move || total_count)}</p>
            <svg class="hourly" aria-hidden="true" focusable="false" viewBox=format!("0 0 {width} {height}") width=width height=height
                xmlns="http://www.w3.org/2000/svg">
                <line class="axis" x1=LEFT y1=10 x2=LEFT y2=CHART_HEIGHT + 10 />
                <line class="axis" x1=LEFT y1=CHART_HEIGHT + 10 x2=width - 5 y2=CHART_HEIGHT + 10 />
                <text x=LEFT - 4 y=16 class="axis" text-anchor="end">{top}</text>
                <text x=LEFT - 4 y=CHART_HEIGHT + 10 class="axis" text-anchor="end">"0"</text>
                {bars}
                {labels}
            </svg>
            <DeskTable caption_id="intake-caption" class="hours" id="intake-table" caption=t!(i18n, desk.dashboard.intake_caption).into_any()
                head=view! {
                    <th scope="col">{t!(i18n, desk.dashboard.hour_from)}</th>
                    <th scope="col">{t!(i18n, desk.dashboard.opened)}</th>
                }.into_any()>
                {rows}
            </DeskTable>
        </section>
    }
}

#[component]
pub fn CategoryMix(categories: Vec<(Category, i64)>) -> impl IntoView {
    let i18n = use_i18n();
    let total: i64 = categories.iter().map(|(_, n)| n).sum();
    let rows = categories
        .into_iter()
        .map(|(category, n)| {
            let share = if total > 0 { n * 100 / total } else { 0 };
            view! {
                <tr>
                    <th scope="row">{category_short_text(i18n, category)}</th>
                    <td>{n}</td>
                    <td>{share}" %"</td>
                    <td aria-hidden="true">
                        <svg class="share" viewBox="0 0 100 10" width="100" height="10" focusable="false" xmlns="http://www.w3.org/2000/svg">
                            <rect class="bar-share" x="0" y="0" width=share height="10" />
                        </svg>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="dash-part">
            <DeskTable caption_id="categories-caption" class="categories" caption=t!(i18n, desk.dashboard.categories_caption).into_any()
                head=view! {
                    <th scope="col">{t!(i18n, desk.queue.col_categories)}</th>
                    <th scope="col">{t!(i18n, desk.dashboard.cases)}</th>
                    <th scope="col">{t!(i18n, desk.dashboard.share)}</th>
                    <td></td>
                }.into_any()>
                {rows}
            </DeskTable>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::axis_top;

    #[test]
    fn axis_tops_are_round_and_cover_the_maximum() {
        assert_eq!(axis_top(0), 1);
        assert_eq!(axis_top(1), 1);
        assert_eq!(axis_top(3), 5);
        assert_eq!(axis_top(7), 10);
        assert_eq!(axis_top(11), 20);
        assert_eq!(axis_top(4321), 5000);
    }
}
